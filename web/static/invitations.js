// invitations.js: a "Copy link" button beside each new invitation link,
// using the Clipboard API. Without JavaScript (or a clipboard) the buttons
// stay hidden and the link is plain text to select and copy.
"use strict";
(function () {
  if (!navigator.clipboard || !window.isSecureContext) return;
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    const source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) return;
    const status = button.parentElement.querySelector(".copied");
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.textContent.trim()).then(function () {
        if (status) status.textContent = "Copied.";
      }, function () {
        if (status) status.textContent = "Could not copy: select the link and copy it.";
      });
    });
  });
})();
