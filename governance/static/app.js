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
