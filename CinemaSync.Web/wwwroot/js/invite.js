// The "Invite" button: a signed, expiring invite link (POST /api/rooms/{id}/invites), copied to the
// clipboard. Opening it joins a private room without the password (`join_room` with `invite`).

/** The invite token of a page address (`/?room=…&invite=…`), or null. */
export function inviteFrom(search = location.search) {
  return new URLSearchParams(search).get("invite") || null;
}

/** The address without its invite token, so that a link copied later does not pass it on. */
export function dropInviteFromAddress() {
  const url = new URL(location.href);
  if (!url.searchParams.has("invite")) return;
  url.searchParams.delete("invite");
  history.replaceState(history.state, "", url.pathname + url.search);
}

/**
 * @param ctx `room()`, `api` (the client package's Api), `copy(text)`
 * @param status the element that says what happened
 */
export function createInviteButton(ctx, { button, status }) {
  button.addEventListener("click", async () => {
    const room = ctx.room();
    if (!room) return;
    delete status.dataset.inviteUrl;
    status.textContent = "Creating an invite link…";
    try {
      const invite = await ctx.api.createInvite(room.room_id);
      const until = new Date(invite.expires_at).toLocaleString([], { weekday: "short", hour: "2-digit", minute: "2-digit" });
      status.dataset.inviteUrl = invite.url;
      status.textContent = await ctx.copy(invite.url)
        ? `Invite link copied (joins without the password, valid until ${until}): ${invite.url}`
        : `Copy this invite link (joins without the password, valid until ${until}): ${invite.url}`;
    } catch (err) {
      status.textContent = `No invite link: ${err.message}`;
    }
  });
}
