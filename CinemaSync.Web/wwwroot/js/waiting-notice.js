// "Waiting for Ben to buffer…": while the room's playback is `waiting`, who it waits for (the
// members whose `sync.status` is `buffering`; members other than the host and co-hosts get no
// `member_status`, so they may not know who: "someone").

/** The names of the connected members whose sync says `buffering`, as one phrase. */
export function waitingText(people) {
  const names = people.filter(p => p.connected !== false && p.sync?.status === "buffering").map(p => p.display_name);
  if (names.length === 0) return "Waiting for someone to buffer…";
  const list = names.length === 1 ? names[0]
    : names.length <= 3 ? `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`
      : `${names.slice(0, 2).join(", ")} and ${names.length - 2} others`;
  return `Waiting for ${list} to buffer…`;
}

/** Shows the notice over the player while `state` is `waiting`, else hides it. */
export function renderWaiting(element, room, state) {
  const waiting = state?.status === "waiting";
  element.hidden = !waiting;
  element.textContent = waiting ? waitingText(room?.participants ?? []) : "";
}
