package recordings

// Config is where Meet recordings are downloaded, as the environment
// names it.
type Config struct {
	// SpoolDir receives the downloaded recordings, one folder per member.
	SpoolDir string `env:"RECORDINGS_SPOOL_DIR" envDefault:"./data/spool"`
}
