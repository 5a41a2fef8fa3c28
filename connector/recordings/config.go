package recordings

import "fmt"

// Config is where Meet recordings are downloaded and how long their audio
// is kept, as the environment names it.
type Config struct {
	// SpoolDir receives the downloaded recordings, one folder per member.
	SpoolDir string `env:"RECORDINGS_SPOOL_DIR" envDefault:"./data/spool"`
	// Retention is how long a recording's audio stays in the spool once it
	// is transcribed, as written (see KeepAudio): 0 deletes it at once, 7d
	// or 36h keeps it that long, forever keeps it.
	Retention string `env:"RECORDING_RETENTION" envDefault:"0"`
}

// KeepAudio reads Retention, with an error that names the variable.
func (c Config) KeepAudio() (Retention, error) {
	var r Retention
	if err := r.UnmarshalText([]byte(c.Retention)); err != nil {
		return Retention{}, fmt.Errorf("RECORDING_RETENTION: %w", err)
	}
	return r, nil
}
