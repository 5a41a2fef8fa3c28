package audit

import "time"

// Schedule is when a trail checkpoints: by count, at every Every-th entry,
// and on a timer, every Interval while entries that no checkpoint covers
// wait. Now is the trail's clock when the schedule was read, so that a page
// says how long ago and how soon on the same clock the trail stamps
// entries with.
type Schedule struct {
	// Every is the count threshold; 0 when the trail makes no count
	// checkpoints.
	Every int64
	// Interval is the timer's period (Options.CheckpointInterval).
	Interval time.Duration
	Now      time.Time
}

// CheckpointSchedule returns the trail's checkpoint schedule, read now.
func (t *Trail) CheckpointSchedule() Schedule {
	return Schedule{Every: max(t.every, 0), Interval: t.interval, Now: t.now()}
}
