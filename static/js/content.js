// Content library: live caption counters, per-network suggested captions, link previews.
(function () {
  "use strict";
  // The server's counting rule (content_library.validation.counting_rule, rendered by the page): the
  // limits, the tracked link as long as the real ones, white space, the URL pattern. The steps below are
  // caption_length's: clean the caption as it is stored, add the link on its own line, count as the
  // network does (code points, not UTF-16 units; URLs at their weight; graphemes for Bluesky).
  var ruleScript = document.getElementById("caption-rule");
  var RULE = ruleScript ? JSON.parse(ruleScript.textContent) : null;

  function inClass(chars) { return chars.replace(/[\\\]\[^-]/g, "\\$&"); }

  var EDGES = RULE && new RegExp("^[" + inClass(RULE.space) + "]+|[" + inClass(RULE.space) + "]+$", "g");
  var REMOVED = RULE && RULE.removed ? new RegExp("[" + inClass(RULE.removed) + "]", "g") : null;
  var URLS = RULE && new RegExp(RULE.url, "g");

  function clean(text) {
    text = (text || "").replace(/\r\n/g, "\n");
    if (REMOVED) text = text.replace(REMOVED, "");
    return text.replace(EDGES, "");
  }

  function compose(caption, link) {
    if (!link) return caption;
    return caption ? caption + "\n\n" + link : link;
  }

  function codePoints(text) { return Array.from(text).length; }

  function graphemes(text) {
    var count = 0;
    var it = new Intl.Segmenter(undefined, { granularity: "grapheme" }).segment(text);
    for (var _ of it) count += 1; // eslint-disable-line no-unused-vars
    return count;
  }

  function textLength(network, text) {
    var rule = RULE.networks[network];
    if (rule.unit === "graphemes") return graphemes(text);
    if (!rule.urls_as) return codePoints(text);
    var total = 0;
    var last = 0;
    URLS.lastIndex = 0;
    var match;
    while ((match = URLS.exec(text)) !== null) {
      total += codePoints(text.slice(last, match.index)) + rule.urls_as;
      last = match.index + match[0].length;
    }
    return total + codePoints(text.slice(last));
  }

  function captionLength(network, caption, hasLink) {
    return textLength(network, compose(clean(caption), hasLink ? RULE.link : null));
  }

  function render(counter, length, limit) {
    counter.textContent = length.toLocaleString() + " / " + Number(limit).toLocaleString();
    counter.classList.toggle("is-over", length > limit);
  }

  // --- the share form --------------------------------------------------------------------------
  var shareForm = document.getElementById("share-form");
  if (shareForm && RULE) {
    var caption = document.getElementById("share-caption");
    var counter = document.getElementById("caption-count");
    var hasLink = shareForm.dataset.hasLink === "1";
    var edited = false;
    var current = function () { return shareForm.querySelector("input[name=network]:checked"); };
    var update = function () {
      var radio = current();
      if (!radio) return;
      render(counter, captionLength(radio.value, caption.value, hasLink), RULE.networks[radio.value].limit);
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
        if (!area || !RULE) return;
        var network = area.dataset.network;
        render(c, captionLength(network, area.value, hasUrl), RULE.networks[network].limit);
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
