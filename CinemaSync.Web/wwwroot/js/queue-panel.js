// The queue panel: what plays next. Host and co-hosts add (a link or a Drive file), remove,
// reorder and start the next item; everyone sees the list (`queue_updated`).
import { el, flash, formatDuration, rerenderKeepingFocus } from "./dom.js";
import { canControl } from "/lib/cinemasync-client.js";

/** A title for a link: its file name without the extension, else the host name. */
export function titleFromUrl(url) {
  try {
    const u = new URL(url);
    const file = decodeURIComponent(u.pathname.split("/").filter(Boolean).at(-1) ?? "");
    return file.replace(/\.[A-Za-z0-9]{2,5}$/, "").replace(/[_-]+/g, " ").trim() || u.host;
  } catch {
    return url;
  }
}

/**
 * @param ctx the page's room context: `room()`, `me()`, `client` (RoomClient), `describeError(ack)`
 * @param options.pickFromDrive opens the Drive picker; resolves to a movie or null
 */
export function createQueuePanel(ctx, { pickFromDrive }) {
  const $ = id => document.getElementById(id);
  const list = $("queue-list");

  const fail = ack => { $("queue-error").textContent = ack.ok ? "" : ctx.describeError(ack); return ack.ok; };

  async function add(movieSource, title) {
    $("queue-error").textContent = "";
    const ack = await ctx.client.queueAdd({ movie_source: movieSource, title });
    if (fail(ack)) flash($("queue-status"), `Added “${ack.item?.title ?? title}” to the queue.`);
    return ack.ok;
  }

  $("queue-add-form").addEventListener("submit", async e => {
    e.preventDefault();
    const url = $("queue-url").value.trim();
    if (!url) return;
    if (await add({ type: "directLink", url }, titleFromUrl(url))) $("queue-url").value = "";
  });
  $("queue-add-drive").addEventListener("click", async () => {
    const movie = await pickFromDrive("Add to the queue");
    if (movie) await add({ type: "googleDrive", file_id: movie.file_id, owner: movie.owner }, movie.name);
    $("queue-add-drive").focus();
  });
  $("queue-play-next").addEventListener("click", async () => {
    $("queue-error").textContent = "";
    const next = ctx.room()?.queue?.[0];
    if (fail(await ctx.client.playNext()) && next) flash($("queue-status"), `Now playing “${next.title}”.`);
  });

  async function move(item, index) {
    fail(await ctx.client.queueMove(item.item_id, index));
  }
  async function remove(item) {
    if (fail(await ctx.client.queueRemove(item.item_id))) flash($("queue-status"), `Removed “${item.title}”.`);
  }

  function itemRow(item, index, count, controller) {
    const title = item.title || "Untitled";
    const kind = item.movie_source?.type === "googleDrive" ? "Google Drive" : "link";
    const meta = [kind, formatDuration(item.duration_ms)].filter(Boolean).join(" · ");
    const row = el("li", { class: "queue-item", dataset: { itemId: item.item_id } },
      el("span", { class: "queue-pos muted", text: `${index + 1}.` }),
      el("span", { class: "queue-title" }, el("span", { class: "name", text: title }), el("span", { class: "muted queue-meta", text: meta })));
    if (controller) {
      const key = action => `${item.item_id}:${action}`;
      row.append(el("span", { class: "queue-actions" },
        el("button", { type: "button", class: "icon", "aria-label": `Move “${title}” up`, title: "Move up", disabled: index === 0,
          dataset: { focusKey: key("up") }, onclick: () => move(item, index - 1) }, "↑"),
        el("button", { type: "button", class: "icon", "aria-label": `Move “${title}” down`, title: "Move down", disabled: index === count - 1,
          dataset: { focusKey: key("down") }, onclick: () => move(item, index + 1) }, "↓"),
        el("button", { type: "button", class: "icon", "aria-label": `Remove “${title}” from the queue`, title: "Remove",
          dataset: { focusKey: key("remove") }, onclick: () => remove(item) }, "✕")));
    }
    return row;
  }

  function render() {
    const room = ctx.room();
    const queue = room?.queue ?? [];
    const controller = canControl(room, ctx.me()?.user_id);
    $("queue-count").textContent = queue.length ? `(${queue.length})` : "";
    $("queue-empty").hidden = queue.length > 0;
    $("queue-empty").textContent = controller ? "Nothing queued. Add a link or a Drive video." : "Nothing queued.";
    $("queue-controls").hidden = !controller;
    $("queue-play-next").disabled = queue.length === 0;
    $("queue-play-next").textContent = queue.length ? `Play next: ${queue[0].title || "Untitled"}` : "Play next";
    rerenderKeepingFocus(list, () => list.replaceChildren(...queue.map((item, i) => itemRow(item, i, queue.length, controller))));
  }

  return {
    render,
    reset() {
      $("queue-error").textContent = "";
      $("queue-status").textContent = "";
    },
  };
}
