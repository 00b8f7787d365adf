// Room settings for the host (`update_settings`): chat, reactions, max participants, wait for
// buffering, buffer timeout, host grace; and closing the room (`DELETE /api/rooms/{id}`). Also what the settings mean for everyone on the page
// (a chat or reactions switched off).

const LIMITS = Object.freeze({
  max_participants: [2, 1000],
  buffer_timeout_s: [1, 60],
  host_grace_s: [5, 600],
});

/** The form's values as the settings object of `update_settings`. */
export function settingsFromForm(form) {
  const number = name => Number(form.elements[name].value);
  return {
    chat_enabled: form.elements.chat_enabled.checked,
    reactions_enabled: form.elements.reactions_enabled.checked,
    wait_for_buffering: form.elements.wait_for_buffering.checked,
    max_participants: number("max_participants"),
    buffer_timeout_ms: Math.round(number("buffer_timeout_s") * 1000),
    host_grace_ms: Math.round(number("host_grace_s") * 1000),
  };
}

/** Chat and reactions as the room's settings say, for every participant. */
export function applyRoomSettings(room) {
  const $ = id => document.getElementById(id);
  const chatOff = room?.settings?.chat_enabled === false;
  const reactionsOff = room?.settings?.reactions_enabled === false;
  $("chat-input").disabled = chatOff;
  $("chat-send").disabled = chatOff;
  $("chat-input").placeholder = chatOff ? "Chat is turned off in this room" : "Say something…";
  $("chat-off").hidden = !chatOff;
  for (const b of $("reactions").querySelectorAll("button")) b.disabled = reactionsOff;
  $("reactions-off").hidden = !reactionsOff;
}

/** @param ctx `room()`, `client` (RoomClient), `api` (REST), `describeError(ack)` */
export function createSettingsDialog(ctx, { openButton }) {
  const $ = id => document.getElementById(id);
  const dialog = $("settings-dialog");
  const form = $("settings-form");
  for (const [name, [min, max]] of Object.entries(LIMITS)) {
    form.elements[name].min = String(min);
    form.elements[name].max = String(max);
  }

  function fill(settings) {
    form.elements.chat_enabled.checked = settings.chat_enabled !== false;
    form.elements.reactions_enabled.checked = settings.reactions_enabled !== false;
    form.elements.wait_for_buffering.checked = settings.wait_for_buffering !== false;
    form.elements.max_participants.value = settings.max_participants ?? 1000;
    form.elements.buffer_timeout_s.value = (settings.buffer_timeout_ms ?? 8000) / 1000;
    form.elements.host_grace_s.value = (settings.host_grace_ms ?? 30000) / 1000;
  }

  const closeRoom = $("settings-close-room");
  const armClose = armed => {
    closeRoom.setAttribute("aria-pressed", String(armed));
    closeRoom.textContent = armed ? "Press again to close the room for everyone" : "Close the room…";
  };
  closeRoom.addEventListener("click", async () => {
    if (closeRoom.getAttribute("aria-pressed") !== "true") return armClose(true);
    try {
      await ctx.api.closeRoom(ctx.room().room_id);
      dialog.close(); // everyone, this page included, gets room_closed
    } catch (err) {
      armClose(false);
      $("settings-error").textContent = err.message;
    }
  });

  openButton.addEventListener("click", () => {
    fill(ctx.room()?.settings ?? {});
    armClose(false);
    $("settings-error").textContent = "";
    dialog.showModal();
    form.elements.chat_enabled.focus();
  });
  $("settings-cancel").addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => openButton.focus());

  form.addEventListener("submit", async e => {
    e.preventDefault();
    $("settings-error").textContent = "";
    const ack = await ctx.client.updateSettings(settingsFromForm(form));
    if (!ack.ok) {
      $("settings-error").textContent = ctx.describeError(ack);
      return;
    }
    dialog.close();
    $("share-status").textContent = "Room settings saved.";
  });

  return {
    /** The settings button is the host's; a dialog left open by someone who is no longer host closes. */
    render(isHost) {
      openButton.hidden = !isHost;
      if (!isHost && dialog.open) dialog.close();
    },
  };
}
