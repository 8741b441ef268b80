// Compare: keep the button honest about how many requests are picked (2 to 4).
document.addEventListener("DOMContentLoaded", () => {
  const button = document.getElementById("compare-button");
  if (!button) return;
  const picks = Array.from(document.querySelectorAll(".compare-pick"));
  const update = () => {
    const count = picks.filter((p) => p.checked).length;
    button.disabled = count < 2 || count > 4;
    button.textContent = `Compare selected (${count} of 2–4)`;
  };
  picks.forEach((p) => p.addEventListener("change", update));
  update();
});

// Copy buttons (data-copy="ELEMENT_ID"): the element's text to the clipboard, said on the button.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-copy]").forEach((button) => {
    const label = button.querySelector("span") || button;
    button.addEventListener("click", async () => {
      const text = document.getElementById(button.dataset.copy).textContent.trim();
      try {
        await navigator.clipboard.writeText(text);
        label.textContent = "Copied";
      } catch (error) {
        // No clipboard (not a secure context): select it for Ctrl+C instead.
        const range = document.createRange();
        range.selectNodeContents(document.getElementById(button.dataset.copy));
        window.getSelection().removeAllRanges();
        window.getSelection().addRange(range);
        label.textContent = "Selected: press Ctrl+C";
      }
    });
  });
});

// After a redirect to a part of a page (…#scan), the messages go just above that part, where
// the page scrolls to: a message at the top of the page would be out of view.
document.addEventListener("DOMContentLoaded", () => {
  const messages = Array.from(document.querySelectorAll(".flash-message"));
  const id = decodeURIComponent(window.location.hash.slice(1));
  const target = id && document.getElementById(id);
  if (!messages.length || !target) return;
  messages.forEach((message) => target.before(message));
  messages[0].scrollIntoView({ block: "start" });
});

// The new-request form: a purl typed or pasted fills type, namespace, name and version below
// (the package URL spec's own order: #subpath, ?qualifiers, @version, then type/namespace/name).
function parsePurl(text) {
  let rest = text.trim();
  if (!rest.toLowerCase().startsWith("pkg:")) return null;
  rest = rest.slice(4).replace(/^\/+/, "").split("#")[0].split("?")[0];
  let version = "";
  const at = rest.lastIndexOf("@");
  if (at > rest.indexOf("/")) {
    version = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const parts = rest.split("/").filter(Boolean);
  if (parts.length < 2) return null;
  const decode = (value) => { try { return decodeURIComponent(value); } catch (e) { return value; } };
  return {
    type: parts[0].toLowerCase(),
    namespace: parts.slice(1, -1).map(decode).join("/"),
    name: decode(parts[parts.length - 1]),
    version: decode(version),
  };
}

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("adoption-form");
  const purl = form && form.querySelector("#purl");
  if (!purl) return;
  const fill = () => {
    const parsed = parsePurl(purl.value);
    if (!parsed) return;
    const type = form.querySelector("#type");
    if (type && !Array.from(type.options).some((o) => o.value === parsed.type)) {
      type.add(new Option(parsed.type, parsed.type));
    }
    for (const key of ["type", "namespace", "name", "version"]) {
      const field = form.querySelector(`#${key}`);
      if (field) field.value = parsed[key];
    }
  };
  purl.addEventListener("input", fill);
  purl.addEventListener("change", fill);
});
