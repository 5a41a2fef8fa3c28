package googlehttp

import "github.com/scopetrail/scopetrail/scopes"

// Bases are the base URLs of the Google APIs the door lets requests
// through to; each can point at a stand-in for Google. An empty one means
// Google's own. The environment variables name them for the command line.
type Bases struct {
	People   string `env:"GOOGLE_PEOPLE_URL" envDefault:"https://people.googleapis.com/"`
	Calendar string `env:"GOOGLE_CALENDAR_URL" envDefault:"https://www.googleapis.com/calendar/v3/"`
	Drive    string `env:"GOOGLE_DRIVE_URL" envDefault:"https://www.googleapis.com/drive/v3/"`
}

// byAPI returns the base URLs by API name, as scopes.MatchURL reads them,
// Google's for the empty ones.
func (b Bases) byAPI() map[string]string {
	m := map[string]string{"people": b.People, "calendar": b.Calendar, "drive": b.Drive}
	for api, u := range m {
		if u == "" {
			m[api] = scopes.DefaultBaseURL(api)
		}
	}
	return m
}
