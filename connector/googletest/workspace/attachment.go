package workspace

// AttachmentFor returns the Calendar attachment that Meet adds to a
// meeting for its recording or transcript f.
func AttachmentFor(f *File) Attachment {
	url := "https://drive.google.com/open?id=" + f.ID
	if f.MimeType == MimeDocument {
		url = "https://docs.google.com/document/d/" + f.ID + "/edit"
	}
	return Attachment{FileID: f.ID, Title: f.Name, MimeType: f.MimeType, FileURL: url}
}
