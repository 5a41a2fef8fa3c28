package fakeapi

// Field schemas of the Drive responses, from the discovery document
// drive/v3/drive-api.json, for validating `fields` selectors.
var (
	// userSchema is the User schema.
	userSchema = objectSchema(nil, "displayName", "emailAddress", "kind", "me", "permissionId", "photoLink")

	// fileSchema is the File schema; object-valued fields other than users
	// accept any sub-selection.
	fileSchema = objectSchema(map[string]*schema{
		"appProperties": openObject, "capabilities": openObject, "clientEncryptionDetails": openObject,
		"contentHints": openObject, "contentRestrictions": openObject, "downloadRestrictions": openObject,
		"exportLinks": openObject, "imageMediaMetadata": openObject, "labelInfo": openObject,
		"lastModifyingUser": userSchema, "linkShareMetadata": openObject, "owners": userSchema,
		"permissions": openObject, "properties": openObject, "sharingUser": userSchema,
		"shortcutDetails": openObject, "trashingUser": userSchema, "videoMediaMetadata": openObject,
	},
		"copyRequiresWriterPermission", "createdTime", "description", "driveId", "explicitlyTrashed",
		"fileExtension", "folderColorRgb", "fullFileExtension", "hasAugmentedPermissions", "hasThumbnail",
		"headRevisionId", "iconLink", "id", "inheritedPermissionsDisabled", "isAppAuthorized", "kind",
		"md5Checksum", "mimeType", "modifiedByMe", "modifiedByMeTime", "modifiedTime", "name",
		"originalFilename", "ownedByMe", "parents", "permissionIds", "quotaBytesUsed", "resourceKey",
		"sha1Checksum", "sha256Checksum", "shared", "sharedWithMeTime", "size", "spaces", "starred",
		"teamDriveId", "thumbnailLink", "thumbnailVersion", "trashed", "trashedTime", "version",
		"viewedByMe", "viewedByMeTime", "viewersCanCopyContent", "webContentLink", "webViewLink",
		"writersCanShare")

	// fileListSchema is the FileList schema.
	fileListSchema = objectSchema(map[string]*schema{"files": fileSchema}, "incompleteSearch", "kind", "nextPageToken")

	// changeSchema is the Change schema.
	changeSchema = objectSchema(map[string]*schema{"file": fileSchema, "drive": openObject, "teamDrive": openObject},
		"changeType", "driveId", "fileId", "kind", "removed", "teamDriveId", "time", "type")

	// changeListSchema is the ChangeList schema.
	changeListSchema = objectSchema(map[string]*schema{"changes": changeSchema}, "kind", "newStartPageToken", "nextPageToken")

	// startPageTokenSchema is the StartPageToken schema.
	startPageTokenSchema = objectSchema(nil, "kind", "startPageToken")
)

// Default selections: what Drive returns without a `fields` parameter.
const (
	fileDefault       = "kind,id,name,mimeType,resourceKey"
	fileListDefault   = "kind,incompleteSearch,nextPageToken,files(" + fileDefault + ")"
	changeListDefault = "kind,nextPageToken,newStartPageToken,changes(kind,changeType,time,removed,fileId,file(" + fileDefault + "))"
)

// objectSchema returns an object schema with the given object-valued
// fields and scalar fields.
func objectSchema(objects map[string]*schema, scalars ...string) *schema {
	s := &schema{fields: make(map[string]*schema, len(objects)+len(scalars))}
	for name, o := range objects {
		s.fields[name] = o
	}
	for _, name := range scalars {
		s.fields[name] = nil
	}
	return s
}
