// Progressive enhancement only: every core flow works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // After a failed form post, move focus to the first field that needs attention.
  const invalid = document.querySelector("[aria-invalid='true']");
  if (invalid) invalid.focus();
});
