package jobs

// riverMigrationLockSpace is the first key of the advisory lock River's
// migrations run under on PostgreSQL ("RV" and 0), so that replicas started
// together take turns and the next finds the migrations applied.
const riverMigrationLockSpace = 0x52560000
