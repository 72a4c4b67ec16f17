// Questions asked only after another answer: hidden until that answer is given.
// A convenience only: the server decides which questions are asked and checks every answer.
// Each conditional question carries data-condition-name (the input that decides)
// and data-condition-value (the answer it waits for).

function answerOf(form, name) {
  const inputs = [...form.querySelectorAll(`[name="${CSS.escape(name)}"]`)];
  if (!inputs.length) return null;
  const wrapper = inputs[0].closest("[data-condition-name]");
  if (wrapper && wrapper.hidden) return null; // a hidden question is not answered
  if (inputs[0].type === "checkbox" || inputs[0].type === "radio") {
    return inputs.filter((input) => input.checked).map((input) => input.value);
  }
  return [inputs[0].value];
}

export function update(form) {
  // A question shown or hidden may decide another, before or after it: settle in a few passes.
  const wrappers = [...form.querySelectorAll("[data-condition-name]")];
  for (let pass = 0; pass <= wrappers.length && pass < 5; pass++) {
    let changed = false;
    for (const wrapper of wrappers) {
      const answer = answerOf(form, wrapper.dataset.conditionName);
      const hidden = !(answer && answer.includes(wrapper.dataset.conditionValue));
      if (wrapper.hidden !== hidden) {
        wrapper.hidden = hidden;
        changed = true;
      }
    }
    if (!changed) break;
  }
}

for (const form of document.querySelectorAll("form")) {
  if (!form.querySelector("[data-condition-name]")) continue;
  update(form);
  form.addEventListener("change", () => update(form));
  form.addEventListener("input", () => update(form));
}
