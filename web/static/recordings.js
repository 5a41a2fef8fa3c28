// recordings.js: on a recording's page, a transcript's timestamp plays the
// recording from that moment. Without JavaScript the timestamp is a link to
// its line of the transcript.
"use strict";
(function () {
  const media = document.getElementById("media");
  if (!media) return;
  document.querySelectorAll("a[data-at]").forEach(function (a) {
    a.addEventListener("click", function () {
      const at = Number(a.getAttribute("data-at"));
      if (!Number.isFinite(at)) return;
      media.currentTime = at;
      const played = media.play();
      if (played && played.catch) played.catch(function () {});
    });
  });
})();
