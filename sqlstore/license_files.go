package sqlstore

import (
	"fmt"
	"slices"
	"sync"

	"github.com/yushan-gov/yiwang/license"
)

// licenseFiles keeps the opened and parsed files of the licenses read
// lately. A license's stored file is sealed (encrypted) JSON, and every read
// of a holder's licenses (each application checks them for materials the
// platform attaches itself) opened and parsed every file again. Where the
// sealed text was read, it is the check: other text is opened anew. The
// holder's licenses of one type are read without their files (opened).
type licenseFiles struct {
	mu sync.Mutex
	m  map[string]openedLicense // by license ID
}

type openedLicense struct {
	sealed string
	file   string
	data   license.Data
}

// opened returns the file and data of license id if it was opened lately.
// A license's stored file never changes (an update changes its status
// only), so the ID is check enough.
func (c *licenseFiles) opened(id string) ([]byte, license.Data, bool) {
	c.mu.Lock()
	o, ok := c.m[id]
	c.mu.Unlock()
	if !ok {
		return nil, license.Data{}, false
	}
	d := o.data
	d.Fields = slices.Clone(d.Fields)
	return []byte(o.file), d, true
}

// licenseFilesSize bounds the cache; when full, it starts over.
const licenseFilesSize = 4096

// open returns the file and data of license id stored as sealed.
func (c *licenseFiles) open(db *DB, id, sealed string) ([]byte, license.Data, error) {
	c.mu.Lock()
	o, ok := c.m[id]
	c.mu.Unlock()
	if ok && o.sealed == sealed {
		d := o.data
		d.Fields = slices.Clone(d.Fields)
		return []byte(o.file), d, nil
	}
	if ok { // other text than was opened: keep neither
		c.mu.Lock()
		delete(c.m, id)
		c.mu.Unlock()
	}
	file, err := db.pii.Open(sealed)
	if err != nil {
		return nil, license.Data{}, fmt.Errorf("license %s: open file: %w", id, err)
	}
	p, err := license.ReadFile([]byte(file))
	if err != nil {
		return nil, license.Data{}, fmt.Errorf("license %s: stored file is damaged: %w", id, err)
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= licenseFilesSize {
		c.m = map[string]openedLicense{}
	}
	c.m[id] = openedLicense{sealed: sealed, file: file, data: p.Data}
	c.mu.Unlock()
	d := p.Data
	d.Fields = slices.Clone(d.Fields)
	return []byte(file), d, nil
}
