/* Policies: audience toggle, no publishing of an unsaved draft, unsaved-draft warning, select-on-focus codes.
   The live Markdown preview itself is htmx (hx-post on the editor's textarea). */
(function () {
  "use strict";

  function audience() {
    var radios = document.querySelectorAll("[data-audience] input[type=radio]");
    var teams = document.querySelector("[data-audience-teams]");
    if (!radios.length || !teams) return;
    function sync() {
      var everyone = document.querySelector("[data-audience] input[type=radio]:checked");
      var off = !everyone || everyone.value === "1";
      teams.classList.toggle("is-disabled", off);
      teams.querySelectorAll("input").forEach(function (input) { input.disabled = off; });
    }
    radios.forEach(function (r) { r.addEventListener("change", sync); });
    sync();
  }

  // Publishing freezes the saved text: with unsaved edits, say so instead of asking to publish (the
  // question itself is the site's one confirmation, data-confirm in app.js).
  function requireSavedDraft() {
    document.querySelectorAll("form[data-requires-saved-draft]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!dirty) return;
        event.preventDefault();
        window.Advocacy.notice("Save the draft first. Publishing freezes the saved text, and this page has unsaved changes.");
      });
    });
  }

  var dirty = false;
  function draftDirty() {
    var form = document.querySelector(".editor-form");
    if (!form) return;
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("submit", function () { dirty = false; });
    window.addEventListener("beforeunload", function (event) {
      if (dirty) { event.preventDefault(); event.returnValue = ""; }
    });
  }

  function selectOnFocus() {
    document.querySelectorAll("[data-select-on-focus]").forEach(function (input) {
      input.addEventListener("focus", function () { input.select(); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    audience();
    draftDirty();
    requireSavedDraft();
    selectOnFocus();
  });
})();
