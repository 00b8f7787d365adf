// "Waiting for Ben to buffer…": while the room's playback is `waiting`, who it waits for.

/** The names of the members whose sync says `buffering`, as one phrase. */
export function waitingText(people, syncOf) {
  const names = people.filter(p => p.connected !== false && syncOf(p)?.status === "buffering").map(p => p.display_name);
  if (names.length === 0) return "Waiting for everyone to buffer…";
  const list = names.length === 1 ? names[0]
    : names.length <= 3 ? `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`
      : `${names.slice(0, 2).join(", ")} and ${names.length - 2} others`;
  return `Waiting for ${list} to buffer…`;
}

/** Shows or hides the notice over the player. */
export function renderWaiting(element, room, syncOf) {
  const waiting = room?.playback_state?.status === "waiting";
  element.hidden = !waiting;
  element.textContent = waiting ? waitingText(room.participants ?? [], syncOf) : "";
}
