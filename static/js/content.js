// Content library: live caption counters, per-network suggested captions, link previews.
(function () {
  "use strict";
  var URL_RE = /https?:\/\/[^\s<>"]+/gi;
  var LINK_LENGTH = 32; // a tracked link, until the form says how long this site's are
  var sized = document.querySelector("[data-link-length]");
  if (sized && Number(sized.dataset.linkLength) > 0) LINK_LENGTH = Number(sized.dataset.linkLength);

  function graphemes(text) {
    if (window.Intl && Intl.Segmenter) {
      var count = 0;
      var it = new Intl.Segmenter(undefined, { granularity: "grapheme" }).segment(text);
      for (var _ of it) count += 1; // eslint-disable-line no-unused-vars
      return count;
    }
    return Array.from(text).length;
  }

  function measure(text, unit, urlsAs, hasLink) {
    var length;
    if (unit === "graphemes") {
      length = graphemes(text) + (hasLink ? 2 + LINK_LENGTH : 0);
    } else if (urlsAs > 0) {
      length = Array.from(text.replace(URL_RE, "")).length + (text.match(URL_RE) || []).length * urlsAs;
      if (hasLink) length += 2 + urlsAs;
    } else {
      length = Array.from(text).length + (hasLink ? 2 + LINK_LENGTH : 0);
    }
    return length;
  }

  function render(counter, length, limit) {
    counter.textContent = length.toLocaleString() + " / " + Number(limit).toLocaleString();
    counter.classList.toggle("is-over", length > limit);
  }

  // --- the share form --------------------------------------------------------------------------
  var shareForm = document.getElementById("share-form");
  if (shareForm) {
    var caption = document.getElementById("share-caption");
    var counter = document.getElementById("caption-count");
    var hasLink = shareForm.dataset.hasLink === "1";
    var edited = false;
    var current = function () { return shareForm.querySelector("input[name=network]:checked"); };
    var update = function () {
      var radio = current();
      if (!radio) return;
      render(counter, measure(caption.value, radio.dataset.unit, Number(radio.dataset.urlsAs || 0), hasLink), radio.dataset.limit);
    };
    caption.addEventListener("input", function () { edited = true; update(); });
    shareForm.querySelectorAll("input[name=network]").forEach(function (radio) {
      radio.addEventListener("change", function () {
        if (!edited) {
          var suggested = shareForm.querySelector('.suggested-caption[data-network="' + radio.value + '"]');
          if (suggested) caption.value = suggested.value;
        }
        var button = document.getElementById("share-continue");
        if (button) button.textContent = "Continue to " + radio.nextElementSibling.textContent;
        update();
      });
    });
    var first = current();
    var button = document.getElementById("share-continue");
    if (first && button) button.textContent = "Continue to " + first.nextElementSibling.textContent;
    update();
  }

  // --- the content editor ----------------------------------------------------------------------
  var contentForm = document.getElementById("content-form");
  if (contentForm) {
    var urlInput = contentForm.querySelector("input[name=url]");
    var counters = contentForm.querySelectorAll("[data-counter-for]");
    var refresh = function () {
      var hasUrl = !!(urlInput && urlInput.value.trim());
      counters.forEach(function (c) {
        var area = document.getElementById(c.dataset.counterFor);
        if (!area) return;
        var urlsAs = (area.dataset.network === "x" || area.dataset.network === "mastodon") ? 23 : 0;
        render(c, measure(area.value, area.dataset.unit, urlsAs, hasUrl), area.dataset.limit);
      });
    };
    contentForm.addEventListener("input", refresh);
    refresh();

    var fetchButton = document.getElementById("fetch-preview");
    var status = document.getElementById("preview-status");
    var fill = function (name, value) {
      var field = contentForm.querySelector("[name=" + name + "]");
      if (field && value && !field.value.trim()) field.value = value;
    };
    var fetchPreview = function () {
      if (!urlInput || !urlInput.value.trim()) return;
      var body = new FormData();
      body.append("url", urlInput.value.trim());
      var token = contentForm.querySelector("input[name=csrfmiddlewaretoken]");
      status.textContent = "Fetching the page…";
      fetch(contentForm.dataset.previewUrl, {
        method: "POST",
        body: body,
        headers: { "X-CSRFToken": token ? token.value : "" },
        credentials: "same-origin",
      })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          if (!data.ok) { status.textContent = data.error; return; }
          fill("title", data.title);
          fill("summary", data.description);
          fill("image_url", data.image);
          status.textContent = "Filled in from the page. Edit anything you like.";
          refresh();
        })
        .catch(function () { status.textContent = "Could not fetch the page. Fill in the details by hand."; });
    };
    if (fetchButton) fetchButton.addEventListener("click", fetchPreview);
    if (urlInput) urlInput.addEventListener("change", function () {
      var title = contentForm.querySelector("[name=title]");
      if (title && !title.value.trim()) fetchPreview();
    });
  }
})();
