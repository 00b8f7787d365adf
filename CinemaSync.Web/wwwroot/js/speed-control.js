// Playback speed for the host and co-hosts (0.5×–2×). The rate travels in the playback state, so
// every player follows it; members see the room's speed when it is not 1×.

export const SPEEDS = Object.freeze([0.5, 0.75, 1, 1.25, 1.5, 1.75, 2]);

export const formatRate = rate => `${Number(rate).toFixed(2).replace(/\.?0+$/, "")}×`;

/**
 * @param options.select the `<select>` of the host controls
 * @param options.badge the members' "playing at 1.5×" note
 * @param options.setRate asks the server for a new rate at the current position
 */
export function createSpeedControl({ select, badge, setRate }) {
  select.replaceChildren(...SPEEDS.map(s => new Option(formatRate(s), String(s), s === 1, s === 1)));
  select.addEventListener("change", () => setRate(Number(select.value)));
  return {
    render(state, controller) {
      const rate = state?.rate ?? 1;
      if (document.activeElement !== select || !SPEEDS.includes(Number(select.value))) {
        if (!SPEEDS.includes(rate)) select.append(new Option(formatRate(rate), String(rate)));
        select.value = String(rate);
      }
      select.disabled = !state || state.status === "idle";
      badge.hidden = controller || rate === 1;
      badge.textContent = `The host set the speed to ${formatRate(rate)}`;
    },
  };
}
