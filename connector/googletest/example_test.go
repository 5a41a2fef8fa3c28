package googletest_test

import (
	"fmt"
	"log"
	"strings"
	"time"

	"golang.org/x/oauth2"
	"google.golang.org/api/drive/v3"

	"github.com/scopetrail/scopetrail/connector/googletest"
	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
)

// The fake serves a generated workspace; an app is pointed at it with
// Endpoints, and a program answers the consent page as a browser would
// (see the tests). Clients reach the APIs with option.WithEndpoint.
func ExampleStart() {
	ws, err := workspace.Generate(workspace.GenerateOptions{Seed: 1, People: 10, MeetingsPerCalendar: 5, MeetShare: 0.5,
		RecordingShare: 0.5, Now: time.Now()})
	if err != nil {
		log.Fatal(err)
	}
	fake, base, err := googletest.Start(googletest.Options{Workspace: ws})
	if err != nil {
		log.Fatal(err)
	}
	defer fake.Close()
	fake.RegisterClient(googletest.Client{ID: "app", Secret: "secret", RedirectURIs: []string{"http://localhost:8080/auth/callback"}})

	urls := googletest.Endpoints(base)
	cfg := &oauth2.Config{ClientID: "app", ClientSecret: "secret", RedirectURL: "http://localhost:8080/auth/callback",
		Endpoint: oauth2.Endpoint{AuthURL: urls.AuthURL, TokenURL: urls.TokenURL}, Scopes: []string{drive.DriveReadonlyScope}}
	fmt.Println(strings.HasPrefix(cfg.AuthCodeURL("state", oauth2.AccessTypeOffline), base+"/o/oauth2/v2/auth?"))

	// Once cfg.Exchange gave a token, the real client talks to the fake:
	//
	//	svc, err := drive.NewService(ctx, option.WithTokenSource(cfg.TokenSource(ctx, tok)),
	//		option.WithEndpoint(urls.DriveBase))

	// Output: true
}
