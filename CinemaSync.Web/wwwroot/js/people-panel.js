// The people panel: everyone in the room with role and presence; for the host and co-hosts each
// member's sync (ok / buffering / catching up, drift, RTT: `participants[].sync`, kept current from
// `member_status` by the client) and a menu per person: make co-host, make host, remove, ban.
import { el, flash, rerenderKeepingFocus } from "./dom.js";
import { canControl, roleOf } from "/lib/cinemasync-client.js";

const ROLE_LABELS = Object.freeze({ host: "host", co_host: "co-host", member: "member" });

const SYNC_LABELS = Object.freeze({ ok: "in sync", buffering: "buffering", catching_up: "catching up" });

/** "in sync · drift +12 ms · RTT 40 ms" for a member's sync record. */
export function describeSync(sync) {
  if (!sync) return "";
  const parts = [SYNC_LABELS[sync.status] ?? sync.status];
  if (Number.isFinite(sync.drift_ms)) parts.push(`drift ${sync.drift_ms > 0 ? "+" : ""}${Math.round(sync.drift_ms)} ms`);
  if (Number.isFinite(sync.rtt_ms)) parts.push(`RTT ${Math.round(sync.rtt_ms)} ms`);
  return parts.join(" · ");
}

/** The actions the user `myId` may take on `person` (docs/api.md "Roles"), each with its RoomClient call. */
export function actionsFor(room, myId, person) {
  const mine = roleOf(room, myId);
  const theirs = roleOf(room, person.user_id);
  if (person.user_id === myId || theirs === "host" || !canControl(room, myId)) return [];
  if (mine === "co_host" && theirs !== "member") return [];
  const name = person.display_name;
  const actions = [];
  if (mine === "host") {
    actions.push(theirs === "co_host"
      ? { id: "member", label: `Make ${name} a member`, run: c => c.setRole(person.user_id, "member") }
      : { id: "co_host", label: `Make ${name} a co-host`, run: c => c.setRole(person.user_id, "co_host") });
    actions.push({ id: "host", label: `Make ${name} the host`, run: c => c.transferHost(person.user_id) });
  }
  actions.push({ id: "kick", label: `Remove ${name} from the room`, run: c => c.kickMember(person.user_id) });
  actions.push({ id: "ban", label: `Ban ${name} (cannot rejoin)`, run: c => c.kickMember(person.user_id, { ban: true }), danger: true });
  return actions;
}

export function createPeoplePanel(ctx) {
  const $ = id => document.getElementById(id);
  const list = $("participants");
  let openMenu = null; // user_id whose menu is open

  async function act(person, action) {
    closeMenu(true);
    $("people-error").textContent = "";
    const ack = await action.run(ctx.client);
    $("people-error").textContent = ack.ok ? "" : ctx.describeError(ack);
    if (ack.ok) flash($("people-status"), `Done: ${action.label.replace(/ \(.*\)$/, "")}.`);
  }

  function closeMenu(focusButton = false) {
    const was = openMenu;
    openMenu = null;
    render();
    if (focusButton && was) list.querySelector(`[data-focus-key="menu:${CSS.escape(was)}"]`)?.focus();
  }

  function menu(person, actions) {
    const items = actions.map(a => el("li", { role: "none" },
      el("button", { type: "button", role: "menuitem", class: a.danger ? "danger" : "", tabindex: "-1",
        dataset: { action: a.id }, onclick: () => act(person, a) }, a.label)));
    const ul = el("ul", { class: "person-menu", role: "menu", id: `menu-${person.user_id}`, "aria-label": `Actions for ${person.display_name}` }, ...items);
    ul.addEventListener("keydown", e => {
      const buttons = [...ul.querySelectorAll("button")];
      const i = buttons.indexOf(document.activeElement);
      if (e.key === "Escape") { e.preventDefault(); closeMenu(true); }
      else if (e.key === "ArrowDown") { e.preventDefault(); buttons[(i + 1) % buttons.length].focus(); }
      else if (e.key === "ArrowUp") { e.preventDefault(); buttons[(i - 1 + buttons.length) % buttons.length].focus(); }
      else if (e.key === "Home") { e.preventDefault(); buttons[0].focus(); }
      else if (e.key === "End") { e.preventDefault(); buttons.at(-1).focus(); }
      else if (e.key === "Tab") closeMenu();
    });
    return ul;
  }

  function row(room, me, person, showSync) {
    const role = roleOf(room, person.user_id) ?? "member";
    const dot = el("span", { class: `presence${person.connected ? " on" : ""}`, title: person.connected ? "connected" : "not connected" });
    const name = el("span", { class: "name", text: person.display_name + (person.user_id === me ? " (you)" : "") });
    const badge = el("span", { class: `badge${role !== "member" ? " host" : ""}`, text: ROLE_LABELS[role] });
    const state = el("span", { class: "muted presence-text", text: person.connected ? "connected" : "away" });
    const item = el("li", { class: "person", dataset: { userId: person.user_id } });
    const line = el("div", { class: "person-line" }, dot, name, badge, state);
    item.append(line);
    const sync = showSync && person.connected && person.user_id !== me ? person.sync : null;
    if (sync) item.append(el("div", { class: `person-sync sync-${sync.status}`, text: describeSync(sync) }));
    const actions = actionsFor(room, me, person);
    if (actions.length) {
      const expanded = openMenu === person.user_id;
      line.append(el("button", { type: "button", class: "icon person-menu-button", "aria-haspopup": "menu", "aria-expanded": String(expanded),
        "aria-controls": expanded ? `menu-${person.user_id}` : null, "aria-label": `Actions for ${person.display_name}`, title: "Actions",
        dataset: { focusKey: `menu:${person.user_id}` },
        onclick: () => {
          openMenu = expanded ? null : person.user_id;
          render();
          if (openMenu) list.querySelector(`#menu-${CSS.escape(person.user_id)} button`)?.focus();
        } }, "⋯"));
      if (expanded) item.append(menu(person, actions));
    }
    return item;
  }

  function render() {
    const room = ctx.room();
    const me = ctx.me()?.user_id;
    const people = room?.participants ?? [];
    $("people-count").textContent = `(${people.length})`;
    const showSync = canControl(room, me);
    if (openMenu && !people.some(p => p.user_id === openMenu)) openMenu = null;
    rerenderKeepingFocus(list, () => list.replaceChildren(...people.map(p => row(room, me, p, showSync))));
  }

  document.addEventListener("click", e => {
    if (openMenu && !e.target.closest(".person-menu, .person-menu-button")) closeMenu();
  });

  return {
    render,
    reset() {
      openMenu = null;
      $("people-error").textContent = "";
      $("people-status").textContent = "";
    },
  };
}
