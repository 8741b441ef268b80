// Follows a GitHub request's background work (the checks of uploaded code, provisioning):
// polls its status and reloads the page when either has moved on.
document.addEventListener("DOMContentLoaded", () => {
  const box = document.querySelector("[data-github-status-url]");
  if (!box) return;
  const busy = (s) => s === "running";
  if (!busy(box.dataset.checksState) && !busy(box.dataset.provisioningState)
      && box.dataset.provisioningState !== "not_started") return;
  const poll = async () => {
    try {
      const response = await fetch(box.dataset.githubStatusUrl, { headers: { Accept: "application/json" } });
      if (response.ok) {
        const s = await response.json();
        if (s.checks_state !== box.dataset.checksState
            || s.provisioning_state !== box.dataset.provisioningState) {
          window.location.reload();
          return;
        }
      }
    } catch (error) {
      // A dropped request is retried on the next tick.
    }
    window.setTimeout(poll, 1500);
  };
  window.setTimeout(poll, 1500);
});
