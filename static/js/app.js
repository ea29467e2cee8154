// Small progressive enhancements; every page works without JavaScript.
(function () {
  // Close open <details> menus when clicking elsewhere or pressing Escape.
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) menu.removeAttribute("open");
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      document.querySelectorAll("details.menu[open]").forEach(function (menu) { menu.removeAttribute("open"); });
    }
  });
  // The one confirmation of the site. A form, or the button that submits it, carrying
  // data-confirm="Delete the team? Its members stay." asks first in a dialog of the page: the first
  // sentence is its title, the rest its text, the button's own words confirm (red for .btn-danger).
  // Confirming sends the form with the same button; Cancel or Escape sends nothing. A script that must
  // stop a form first (an unsaved draft) calls event.preventDefault() in its own submit listener: no
  // question is asked then. Without JavaScript the form is simply sent.
  var dialog = null;
  var answer = null;

  function buildDialog() {
    dialog = document.createElement("dialog");
    dialog.className = "dialog";
    dialog.setAttribute("aria-labelledby", "dialog-title");
    dialog.setAttribute("aria-describedby", "dialog-text");
    dialog.innerHTML =
      '<form method="dialog" class="dialog-body">' +
      '<h2 id="dialog-title" class="dialog-title"></h2><p id="dialog-text" class="dialog-text"></p>' +
      '<div class="dialog-actions"><button class="btn" value="cancel" data-dialog-cancel>Cancel</button>' +
      '<button class="btn btn-primary" value="confirm" data-dialog-confirm></button></div></form>';
    document.body.appendChild(dialog);
    dialog.addEventListener("close", function () {
      var done = answer;
      answer = null;
      if (done) done(dialog.returnValue === "confirm");
    });
    return dialog;
  }

  function splitMessage(message) {
    var match = /^(.+?[?.!])\s+(.+)$/.exec(message.trim());
    return match ? [match[1], match[2]] : [message.trim(), ""];
  }

  // Advocacy.confirm(message, {confirmLabel, danger, cancelLabel}) -> Promise<boolean>
  // Advocacy.notice(message) -> Promise (one button: OK)
  function ask(message, options) {
    options = options || {};
    var box = dialog || buildDialog();
    if (box.open) return Promise.resolve(false); // one question at a time
    var parts = splitMessage(message);
    box.querySelector(".dialog-title").textContent = parts[0];
    var text = box.querySelector(".dialog-text");
    text.textContent = parts[1];
    text.hidden = !parts[1];
    var confirm = box.querySelector("[data-dialog-confirm]");
    var cancel = box.querySelector("[data-dialog-cancel]");
    confirm.textContent = options.confirmLabel || "OK";
    confirm.className = "btn " + (options.danger ? "btn-danger" : "btn-primary");
    cancel.hidden = !!options.notice;
    cancel.textContent = options.cancelLabel || "Cancel";
    box.returnValue = "";
    return new Promise(function (resolve) {
      answer = resolve;
      box.showModal();
      (options.notice || !options.danger ? confirm : cancel).focus(); // a destructive step starts on Cancel
    });
  }

  window.Advocacy = window.Advocacy || {};
  window.Advocacy.confirm = ask;
  window.Advocacy.notice = function (message) {
    return ask(message, { notice: true, confirmLabel: "OK" });
  };

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    var message = (button && button.dataset.confirm) || form.dataset.confirm;
    if (!message || event.defaultPrevented) return;
    if (form.dataset.confirmed === "yes") { // the second, confirmed submit
      delete form.dataset.confirmed;
      return;
    }
    event.preventDefault();
    var label = button && button.textContent.replace(/\s+/g, " ").trim();
    var danger = !!(button && button.classList.contains("btn-danger"));
    ask(message, { confirmLabel: label || "Continue", danger: danger }).then(function (yes) {
      if (!yes) {
        if (button) button.focus();
        return;
      }
      form.dataset.confirmed = "yes";
      if (form.requestSubmit) form.requestSubmit(button || undefined);
      else form.submit();
    });
  });
  // Copy buttons: <button data-copy="#element-id">
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var source = document.querySelector(button.dataset.copy);
    if (!source) return;
    var text = source.value !== undefined ? source.value : source.textContent;
    navigator.clipboard.writeText(text).then(function () {
      var label = button.textContent;
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = label; }, 1500);
    });
  });

  // A table wider than its card scrolls inside it (.table-wrap), and so does wide preformatted text. While
  // it does, a keyboard can reach it (tabindex=0, then the arrow keys scroll it) and a screen reader hears
  // what it is: a region named after the table's caption or the heading of its card. Checked again when the
  // window or the content changes.
  function scrollRegionName(wrap) {
    var caption = wrap.querySelector("caption");
    var box = wrap.closest(".card, section") || document.querySelector("main");
    var heading = caption || (box && box.querySelector("h1, h2, h3"));
    var text = heading ? heading.textContent.replace(/\s+/g, " ").trim() : "";
    var what = wrap.tagName === "PRE" ? "text" : "table";
    return (text ? text + " (" + what + ", scrolls sideways)" : what[0].toUpperCase() + what.slice(1) + " (scrolls sideways)");
  }
  function markScrollableTables() {
    document.querySelectorAll(".table-wrap, main pre").forEach(function (wrap) {
      var scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
      if (scrolls && !wrap.hasAttribute("tabindex")) {
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", scrollRegionName(wrap));
        wrap.dataset.scrollRegion = "yes";
      } else if (!scrolls && wrap.dataset.scrollRegion === "yes") {
        ["tabindex", "role", "aria-label", "data-scroll-region"].forEach(function (name) { wrap.removeAttribute(name); });
      }
    });
  }
  var scheduled = false;
  function scheduleMark() {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(function () { scheduled = false; markScrollableTables(); });
  }
  document.addEventListener("DOMContentLoaded", markScrollableTables);
  window.addEventListener("resize", scheduleMark);
  document.addEventListener("htmx:afterSettle", scheduleMark);
})();
