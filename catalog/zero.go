package catalog

import "time"

var zeroTime time.Time
