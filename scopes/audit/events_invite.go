package audit

// Invitation events. Their entries name the invitation by its id in
// Resource and, on the steps an admin takes (invite, invite_renew,
// invite_sent, invite_withdraw), the invitee by email as SubjectEmail; they
// never hold the message sent.
const (
	// EventInvite records an admin inviting a colleague.
	EventInvite Event = "invite"
	// EventInviteRenew records an admin issuing a new link for an
	// invitation, which ends the old link.
	EventInviteRenew Event = "invite_renew"
	// EventInviteSent records an invitation email handed to the mail
	// server, or, with outcome error, the failure to do so.
	EventInviteSent Event = "invite_sent"
	// EventInviteAccept records an invitee signing in with the invited
	// email.
	EventInviteAccept Event = "invite_accept"
	// EventInviteWithdraw records an admin withdrawing an invitation.
	EventInviteWithdraw Event = "invite_withdraw"
)
