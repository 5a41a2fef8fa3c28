// progress.js: live progress for long work (syncs, downloads, transcriptions)
// without a reload. An element
//
//   <div data-progress="/some/progress/url" aria-live="polite">
//     <progress max="100" value="27">27%</progress>
//     <span data-progress-text>1:05 of 4:00 of audio</span>
//   </div>
//
// is polled every 1.5 s for JSON {"percent": 0-100 or null, "text": "...",
// "done": bool}; the <progress> and the [data-progress-text] follow it, and
// when the work is done the page reloads once to show the result. Without
// JavaScript the page shows the state it was rendered with.
"use strict";
(function () {
  const every = 1500;
  function follow(el) {
    const url = el.getAttribute("data-progress");
    const bar = el.querySelector("progress");
    const text = el.querySelector("[data-progress-text]");
    let failures = 0;
    function tick() {
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) {
          if (!r.ok) throw new Error(r.status);
          return r.json();
        })
        .then(function (p) {
          failures = 0;
          if (bar) {
            if (typeof p.percent === "number") {
              bar.value = p.percent;
              bar.textContent = p.percent + "%";
            } else {
              bar.removeAttribute("value");
            }
          }
          if (text && typeof p.text === "string") text.textContent = p.text;
          if (p.done) {
            window.location.reload();
            return;
          }
          setTimeout(tick, every);
        })
        .catch(function () {
          if (++failures < 5) setTimeout(tick, every * failures);
        });
    }
    setTimeout(tick, every);
  }
  document.querySelectorAll("[data-progress]").forEach(follow);
})();
