package web

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/yushan-gov/yiwang"
)

type holidaysView struct {
	Page
	Years   []int
	Missing []int
	Form    Form
}

// holidaysPage shows the years the working-day calendar knows and takes a
// new year's schedule in the holiday-cn format.
func (s *Server) holidaysPage(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireRole(r, yiwang.RoleSysAdmin); err != nil {
		return err
	}
	return s.renderHolidays(w, r, Form{Values: map[string]string{}, Errors: map[string]string{}}, http.StatusOK)
}

func (s *Server) renderHolidays(w http.ResponseWriter, r *http.Request, f Form, status int) error {
	if status != http.StatusOK {
		w.WriteHeader(status)
	}
	s.render(w, r, "holidays", &holidaysView{Page: s.page(r, "节假日安排"), Years: s.Holidays.Calendar.Years(),
		Missing: s.Holidays.Missing(), Form: f})
	return nil
}

// holidaysAdd stores an uploaded (or pasted) year file and uses it at once.
func (s *Server) holidaysAdd(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireRole(r, yiwang.RoleSysAdmin)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	var data []byte
	if err := r.ParseMultipartForm(1 << 20); err == nil {
		if f, _, ferr := r.FormFile("file"); ferr == nil {
			data, err = io.ReadAll(io.LimitReader(f, 64<<10+1))
			f.Close()
			if err != nil {
				return err
			}
		}
	} else if !errors.Is(err, http.ErrNotMultipart) {
		f := Form{Values: map[string]string{}, Errors: map[string]string{"file": "上传的内容过大或格式不正确"}}
		return s.renderHolidays(w, r, f, http.StatusBadRequest)
	}
	if len(data) == 0 {
		data = []byte(strings.TrimSpace(r.FormValue("data")))
	}
	year, err := s.Holidays.Add(r.Context(), actor, data)
	if err != nil {
		if yiwang.ErrorCode(err) != yiwang.EINVALID {
			return err
		}
		f := Form{Values: map[string]string{"data": r.FormValue("data")}, Errors: map[string]string{}}
		f.Fail(err)
		return s.renderHolidays(w, r, f, http.StatusBadRequest)
	}
	s.Sessions.Put(r.Context(), sessFlash, "已录入 "+strconv.Itoa(year)+" 年节假日安排，新的到期日即按此计算")
	http.Redirect(w, r, "/admin/holidays", http.StatusSeeOther)
	return nil
}
