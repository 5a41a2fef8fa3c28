// directory.js: on the directory page, one checkbox ticks or clears every
// colleague who can be invited. Without JavaScript the box stays hidden and
// each row's own checkbox works as before.
"use strict";
(function () {
  const all = document.getElementById("select-all");
  const row = document.getElementById("select-all-row");
  const form = document.getElementById("pick");
  if (!all || !row || !form) return;
  const boxes = Array.from(form.querySelectorAll('input[type=checkbox][name=email]'));
  if (boxes.length === 0) return;
  row.hidden = false;
  function update() {
    const ticked = boxes.filter(function (b) { return b.checked; }).length;
    all.checked = ticked === boxes.length;
    all.indeterminate = ticked > 0 && ticked < boxes.length;
  }
  all.addEventListener("change", function () {
    boxes.forEach(function (b) { b.checked = all.checked; });
    update();
  });
  boxes.forEach(function (b) { b.addEventListener("change", update); });
  update();
})();
