package workspace_test

import (
	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
)

// snapshot is the comparable content of a workspace.
type snapshot struct {
	Domain, CustomerID string
	Seq                int64
	People             []workspace.Person
	Calendars          []workspace.Calendar
	Events             map[string][]workspace.Event
	Files              []fileSnapshot
}

// fileSnapshot is a file with its bodies replaced by their size and md5.
type fileSnapshot struct {
	File           workspace.File
	Checksum       string
	ExportSize     int64
	ExportChecksum string
}

// snap captures w; it reads every body, so keep bodies small.
func snap(w *workspace.Workspace) snapshot {
	s := snapshot{
		Domain: w.Domain, CustomerID: w.CustomerID, Seq: w.Seq(),
		People: w.People(), Calendars: w.Calendars(), Events: make(map[string][]workspace.Event),
	}
	for _, c := range s.Calendars {
		s.Events[c.ID] = w.Events(c.ID)
	}
	for _, f := range w.Files() {
		fs := fileSnapshot{File: *f, Checksum: f.Checksum()}
		if f.ExportText != nil {
			fs.ExportSize = f.ExportText.Size()
			fs.ExportChecksum = (&workspace.File{Body: f.ExportText}).Checksum()
		}
		fs.File.Body, fs.File.ExportText = nil, nil
		s.Files = append(s.Files, fs)
	}
	return s
}
