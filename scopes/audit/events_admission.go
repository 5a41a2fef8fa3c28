package audit

// Events of admission: who may sign in.
const (
	// EventAdmissionRefused is a sign-in that admission refused; the actor
	// is the account's email and the error reason says why.
	EventAdmissionRefused Event = "admission_refused"
	// EventReadmit is an admin letting back in a user whose access an admin
	// revoked; the resource is the user.
	EventReadmit Event = "readmit"
)
