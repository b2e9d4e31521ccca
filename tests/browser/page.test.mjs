// The package in a real browser (Debian's Chromium via Playwright): the
// www/ page as plain ES modules with `await init()`, and a bundle made by
// esbuild from `import ... from 'ticket-rules'`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { serve } from './serve.mjs';
import { launch, strictPage } from './chromium.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const shots = `${root}target/screenshots`;
let server;
let browser;

before(async () => {
  mkdirSync(shots, { recursive: true });
  server = await serve(root);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('the portal: a form from the pack, errors as you type, priority and promised dates', async () => {
  const page = await strictPage(browser);
  await page.goto(`${server.url}/www/index.html`);
  await page.waitForSelector('body[data-ready="true"]');
  assert.equal(await page.textContent('#pack'), 'its-incident-management 2026.12.1');
  // The form is the pack's incident type: its fields, menus, help and required marks.
  assert.equal(await page.locator('#fields .field').count(), 9);
  assert.equal(await page.locator('#f-impact option').count(), 9);
  assert.equal(await page.textContent('#f-summary-help'), 'One line: what is not working?');
  assert.equal(await page.textContent('.field[data-name="summary"] .required'), ' *');
  // The customer's form, from the pack's permissions: no resolution
  // summary (hidden from customers until resolved), no priority input.
  assert.equal(await page.locator('#f-resolution').count(), 0);
  assert.equal(await page.locator('#f-priority').count(), 0);
  assert.equal(await page.locator('#f-impact').count(), 1);

  await page.fill('#f-summary', 'Campus network down');
  await page.selectOption('#f-impact', 'Entire University affected');
  await page.selectOption('#f-urgency', 'Work Stopped - No workaround');
  await page.selectOption('#f-service', 'Campus network');
  await page.fill('#f-contact-name', 'Sam Rivera');
  // Auto-filled from the contact list.
  assert.equal(await page.inputValue('#f-contact-email'), 'sam@example.edu');
  // A mistake, seen as it is typed: the phone must be ten digits.
  await page.fill('#f-contact-phone', '555-12');
  assert.equal(await page.textContent('#f-contact-phone-error'), 'Contact phone does not have the expected form');
  // Work stopped: the rule asks for a description.
  await page.fill('#f-description', 'down');
  assert.match(await page.textContent('#f-description-error'), /describe what happens/);
  await page.screenshot({ path: `${shots}/portal-errors.png`, fullPage: true });

  await page.fill('#f-contact-phone', '7035559876');
  await page.fill('#f-description', 'No wired or wireless connectivity in any building since 14:00.');
  assert.equal(await page.textContent('#f-contact-phone-error'), '');
  assert.equal(await page.textContent('#priority'), 'Priority: Emergency');
  assert.match(await page.textContent('#targets'), /Respond within15 min \(around the clock\)Resolve within4 h \(around the clock\)ProcessOutage Management/);
  // The promise: respond by now + 15 min, resolve by now + 4 h (24x7), in the user's time zone.
  const promise = await page.getAttribute('#promise', 'data-respond');
  const resolve = await page.getAttribute('#promise', 'data-resolve');
  assert.equal(Date.parse(resolve) - Date.parse(promise), (4 * 60 - 15) * 60_000);
  assert.match(await page.textContent('#promise'), /^If you report it now, we will respond by .+ and aim to resolve it by .+\.$/);
  await page.click('#submit');
  assert.match(await page.textContent('#submitted'), /Thank you\. Your Emergency ticket/);
  await page.screenshot({ path: `${shots}/portal-ready.png`, fullPage: true });
  assert.deepEqual(page.problems, []);
});

// What the submitted JSON holds, from the page's thank-you line.
const sent = async (page) => JSON.parse((await page.textContent('#submitted')).replace(/^[^{]*/, ''));

/** The agent view's "As of" set to a UTC instant, as the browser's local time (what the input takes). */
async function asOf(page, iso) {
  const local = await page.evaluate((iso) => {
    const d = new Date(iso);
    const pad = (n) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
  }, iso);
  await page.fill('#now', local);
  await page.dispatchEvent('#now', 'change');
}

test('the portal sends what the form shows: filled values follow their source, a cleared one is filled again in view', async () => {
  const page = await strictPage(browser);
  await page.goto(`${server.url}/www/index.html`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.fill('#f-summary', 'Printer jams');
  await page.selectOption('#f-impact', 'Single Individual');
  await page.selectOption('#f-urgency', 'Work Impaired');
  await page.selectOption('#f-service', 'Printing');
  await page.fill('#f-contact-name', 'Pat Doe');
  assert.equal(await page.inputValue('#f-contact-email'), 'pat@example.edu');
  assert.equal(await page.inputValue('#f-contact-phone'), '7035551234');
  // Another contact: the filled details are the new contact's, on screen and sent.
  await page.fill('#f-contact-name', 'Sam Rivera');
  assert.equal(await page.inputValue('#f-contact-email'), 'sam@example.edu');
  assert.equal(await page.inputValue('#f-contact-phone'), '7035559876');
  await page.click('#submit');
  assert.deepEqual((await sent(page)).contact, { name: 'Sam Rivera', email: 'sam@example.edu', phone: '7035559876' });
  // A contact not on the list: nothing to fill, and nothing of Sam's is kept.
  await page.fill('#f-contact-name', 'Kim Nobody');
  assert.equal(await page.inputValue('#f-contact-email'), '');
  assert.equal(await page.inputValue('#f-contact-phone'), '');
  // A value the user typed is theirs: another contact leaves it.
  await page.fill('#f-contact-email', 'kim@example.org');
  await page.fill('#f-contact-name', 'Lee Okafor');
  assert.equal(await page.inputValue('#f-contact-email'), 'kim@example.org');
  assert.equal(await page.inputValue('#f-contact-phone'), '7035550142');
  await page.click('#submit');
  assert.deepEqual((await sent(page)).contact, { name: 'Lee Okafor', email: 'kim@example.org', phone: '7035550142' });
  // Cleared fields: the pack fills them from the contact list (as the
  // server would); the form shows the values it sends, never empty fields
  // over sent ones.
  await page.fill('#f-contact-name', 'Pat Doe');
  await page.fill('#f-contact-email', '');
  await page.fill('#f-contact-phone', '');
  await page.click('#submit');
  const contact = (await sent(page)).contact;
  assert.equal(await page.inputValue('#f-contact-email'), contact.email ?? '');
  assert.equal(await page.inputValue('#f-contact-phone'), contact.phone ?? '');
  assert.deepEqual(contact, { name: 'Pat Doe', email: 'pat@example.edu', phone: '7035551234' });
  assert.deepEqual(page.problems, []);
});

// The page's own errors, less the blocked requests a test made fail.
const pageErrors = (page) => page.problems.filter((p) => !p.startsWith('request failed:') && !/Failed to load resource/.test(p));

test('the form appears without the samples or a rule source; a view whose file is missing says so', async () => {
  for (const blocked of ['**/examples/history.jsonl', '**/rules/forms.rhai']) {
    const page = await strictPage(browser);
    await page.route(blocked, (r) => r.abort());
    await page.goto(`${server.url}/www/index.html`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 10_000 });
    assert.equal(await page.textContent('#pack'), 'its-incident-management 2026.12.1', blocked);
    assert.equal(await page.locator('#fields .field').count(), 9, blocked);
    await page.selectOption('#f-impact', 'Entire University affected');
    await page.selectOption('#f-urgency', 'Work Stopped - No workaround');
    assert.equal(await page.textContent('#priority'), 'Priority: Emergency');
    if (blocked.endsWith('.jsonl')) {
      await page.click('nav a[data-view="agent"]');
      assert.match(await page.textContent('#summary'), /sample tickets did not load: examples\/history\.jsonl/);
      assert.ok(await page.isVisible('#summary'));
      // The playground has its sources.
      await page.click('nav a[data-view="playground"]');
      assert.equal(await page.inputValue('#file'), 'priority.rhai');
    } else {
      await page.click('nav a[data-view="playground"]');
      assert.match(await page.textContent('#pack-errors'), /rule files, and one did not load: rules\/forms\.rhai/);
      assert.ok(await page.isDisabled('#reload'));
      // The agent view has its samples.
      await page.click('nav a[data-view="agent"]');
      assert.ok(await page.locator('#queue tbody tr').count() > 0);
    }
    assert.deepEqual(pageErrors(page), [], blocked);
    await page.close();
  }
});

test('a page whose wasm does not load says so', async () => {
  const page = await strictPage(browser);
  await page.route('**/ticket_rules_bg.wasm', (r) => r.abort());
  await page.goto(`${server.url}/www/index.html`);
  await page.waitForSelector('body[data-ready="failed"]', { timeout: 10_000 });
  assert.ok(await page.isVisible('#load-error'));
  assert.match(await page.textContent('#load-error'), /rules engine .*could not be loaded/);
  assert.equal(await page.textContent('#pack'), 'not loaded');
  assert.equal(await page.isVisible('#submit'), false);
  assert.deepEqual(pageErrors(page), []);
});

test('length limits count characters, as the engine does, and say so past the limit', async () => {
  const page = await strictPage(browser);
  await page.goto(`${server.url}/www/index.html`);
  await page.waitForSelector('body[data-ready="true"]');
  // 120 emoji: 240 UTF-16 units, 120 characters, the summary's limit.
  await page.fill('#f-summary', '😀'.repeat(120));
  assert.equal([...await page.inputValue('#f-summary')].length, 120);
  assert.equal(await page.textContent('#f-summary-error'), '');
  await page.fill('#f-summary', '😀'.repeat(121));
  assert.equal([...await page.inputValue('#f-summary')].length, 121);
  assert.equal(await page.textContent('#f-summary-error'), 'Summary must be at most 120 characters');
  assert.deepEqual(page.problems, []);
});

test('the agent view draws a ticket\'s life from the explain ledger', async () => {
  const page = await strictPage(browser);
  await page.goto(`${server.url}/www/index.html#agent`);
  await page.waitForSelector('body[data-ready="true"]');
  assert.ok(await page.locator('#timeline rect.clock.counted').count() > 0);
  assert.ok(await page.locator('#timeline rect.clock.closed').count() > 0);
  assert.ok(await page.locator('#timeline rect.status').count() > 1);
  assert.equal(await page.locator('#timeline line.mark.now').count(), 1);
  assert.ok((await page.locator('#ledger tr.cell').count()) >= 1);
  // A ticket that waited on a vendor: the pause is drawn and listed.
  await page.selectOption('#sample', '1');
  await page.fill('#now', '2026-04-01T12:00');
  await page.dispatchEvent('#now', 'change');
  assert.ok(await page.locator('#timeline rect.clock.paused').count() > 0);
  assert.ok(await page.locator('#ledger tr.paused').count() > 0);
  assert.equal(await page.locator('#timeline line.mark.due').count(), 1);
  await page.screenshot({ path: `${shots}/agent-view.png`, fullPage: true });
  assert.deepEqual(page.problems, []);
});

test('what a review of the page found: no stale answer stays on screen, required and focus shown, changes announced once', async () => {
  const page = await strictPage(browser);
  await page.goto(`${server.url}/www/index.html`);
  await page.waitForSelector('body[data-ready="true"]');
  // A description is required while work has stopped (the pack's rule), marked as such.
  const description = '.field[data-name="description"] .required';
  assert.equal(await page.textContent(description), '');
  await page.selectOption('#f-urgency', 'Work Stopped - No workaround');
  assert.equal(await page.textContent(description), ' *');
  assert.equal(await page.getAttribute('#f-description', 'aria-required'), 'true');
  await page.selectOption('#f-urgency', 'Work Impaired');
  assert.equal(await page.textContent(description), '');
  // Both targets say which hours they count, and whose.
  await page.selectOption('#f-impact', 'Single Individual');
  assert.match(await page.textContent('#targets'), /Respond within8 h \(business hours, New York time\)Resolve within32 h \(business hours, New York time\)/);
  // The answer (a live region) is not rewritten while typing changes nothing in it.
  await page.evaluate(() => {
    window.answerChanges = 0;
    new MutationObserver((m) => { window.answerChanges += m.length; }).observe(document.getElementById('answer'), { subtree: true, childList: true, characterData: true, attributes: true });
  });
  await page.locator('#f-summary').pressSequentially('Printer jam');
  assert.equal(await page.evaluate(() => window.answerChanges), 0);
  // A sent ticket's thank-you goes when the form changes after it.
  await page.selectOption('#f-service', 'Printing');
  await page.fill('#f-contact-name', 'Pat Doe');
  await page.click('#submit');
  assert.equal(await page.getAttribute('#submitted', 'role'), 'status');
  assert.match(await page.textContent('#submitted'), /Thank you/);
  assert.equal(await page.isVisible('#submitted'), true);
  await page.fill('#f-summary', '');
  assert.equal(await page.isVisible('#submitted'), false);
  // A focused field with an error keeps a visible focus ring.
  await page.click('#submit');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'f-summary');
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => getComputedStyle(document.activeElement).outlineWidth), '2px');
  assert.deepEqual(page.problems, []);
});

test('the agent view: an error leaves nothing of another instant drawn; the picker shows each status as of now', async () => {
  const page = await strictPage(browser);
  await page.goto(`${server.url}/www/index.html#agent`);
  await page.waitForSelector('body[data-ready="true"]');
  const at = (iso) => asOf(page, iso);
  const picked = async () => page.evaluate(() => document.getElementById('sample').selectedOptions[0].textContent);
  // TT-2005 while it is worked on, then after it was resolved.
  await at('2026-03-25T23:20:00Z');
  assert.match(await picked(), /^TT-2005 · .* · In Process$/);
  assert.ok(await page.locator('#ledger tbody tr').count() > 0);
  // Before it opened: the error, and no timeline, escalations or ledger of the instant before.
  await at('2026-03-10T12:00:00Z');
  assert.match(await page.textContent('#summary'), /before the ticket opened/);
  assert.match(await picked(), /· not yet opened$/);
  assert.equal(await page.locator('#timeline *').count(), 0);
  assert.equal(await page.locator('#escalations li').count(), 0);
  assert.equal(await page.locator('#ledger tbody tr').count(), 0);
  assert.equal(await page.textContent('#wake'), '');
  // "As of" emptied is this moment, and the field says so.
  await page.fill('#now', '');
  await page.dispatchEvent('#now', 'change');
  assert.notEqual(await page.inputValue('#now'), '');
  assert.deepEqual(page.problems, []);
});

test('the agent view draws a clock change and holidays (the samples over the end of DST and Thanksgiving)', async () => {
  const page = await strictPage(browser);
  await page.goto(`${server.url}/www/index.html#agent`);
  await page.waitForSelector('body[data-ready="true"]');
  const show = async (id, iso) => {
    const index = await page.evaluate((id) => [...document.getElementById('sample').options].findIndex((o) => o.textContent.startsWith(`${id} `)), id);
    assert.ok(index >= 0, id);
    await page.selectOption('#sample', String(index));
    await asOf(page, iso);
  };
  await show('TT-2024', '2026-11-02T15:00:00Z');
  assert.equal(await page.locator('#timeline line.mark.dst').count(), 1);
  assert.match(await page.locator('#ledger tr.dst').first().textContent(), /-04:00 → -05:00/);
  assert.ok(await page.locator('#timeline rect.clock.paused').count() > 0);
  await show('TT-2025', '2026-12-01T15:00:00Z');
  assert.match(await page.locator('#ledger tr.closed').first().textContent(), /holiday: Thanksgiving Day, Day after Thanksgiving/);
  await page.screenshot({ path: `${shots}/agent-dst-holiday.png`, fullPage: true });
  assert.deepEqual(page.problems, []);
});

test('the agent view ranks the open samples, and the order moves with now', async () => {
  const page = await strictPage(browser);
  await page.goto(`${server.url}/www/index.html#agent`);
  await page.waitForSelector('body[data-ready="true"]');
  const order = async () => page.locator('#queue tbody tr td:nth-child(2)').allTextContents();
  // `now` as the browser's local time of a UTC instant.
  const at = async (iso) => {
    await asOf(page, iso);
    return order();
  };
  const early = await at('2026-03-17T16:00:00Z');
  const late = await at('2026-04-01T16:00:00Z');
  assert.ok(early.length >= 1 && late.length >= 1, `${early} / ${late}`);
  assert.notDeepEqual(early, late);
  // The queue is the one at now even when the ticket picked (the page
  // starts on TT-2005) had not opened yet: only tickets open at now.
  assert.deepEqual((await at('2026-03-19T06:00:00Z')).map((t) => t.split(' · ')[0]), ['TT-2002', 'TT-2001']);
  assert.match(await page.textContent('#summary'), /before the ticket opened/);
  await at('2026-04-01T16:00:00Z');
  const ranks = await page.locator('#queue tbody tr td:first-child').allTextContents();
  assert.deepEqual(ranks, ranks.map((_, i) => String(i + 1)));
  assert.match((await page.locator('#queue tbody tr td:nth-child(4)').allTextContents()).join('\n'), /(due in|breached|paused)/);
  // A row picks its ticket.
  await page.locator('#queue tbody tr').first().click();
  assert.match(await page.textContent('#summary'), new RegExp(late[0].split(' · ')[0]));
  await page.screenshot({ path: `${shots}/agent-queue.png`, fullPage: true });
  assert.deepEqual(page.problems, []);
});

test('the rule playground: errors with line and column, then new answers', async () => {
  const page = await strictPage(browser);
  await page.goto(`${server.url}/www/index.html#playground`);
  await page.waitForSelector('body[data-ready="true"]');
  assert.equal(await page.inputValue('#file'), 'priority.rhai');
  const source = await page.inputValue('#source');
  await page.fill('#source', source.replace('cell("24x7",     "1h",  "High",      "Problem Management", "8h"),', 'cell("24x7",     "1h",  "Urgent",    "Problem Management", "8h"),'));
  await page.click('#reload');
  assert.match(await page.textContent('#pack-errors'), /priority\.rhai:\d+:\d+ PACK_INVALID: unknown priority "Urgent"/);
  await page.screenshot({ path: `${shots}/playground-error.png`, fullPage: true });
  // Make Minor x Work Impaired an Emergency: the form follows.
  await page.fill('#source', source.replace('row("Work Impaired", [\n    cell("24x7",     "1h",  "High",                            "8h"),', 'row("Work Impaired", [\n    cell("24x7",     "1h",  "Emergency",                       "8h"),'));
  await page.click('#reload');
  assert.match(await page.textContent('#pack-errors'), /^Loaded its-incident-management/);
  await page.click('nav a[data-view="report"]');
  await page.selectOption('#f-impact', 'Entire University affected');
  await page.selectOption('#f-urgency', 'Work Impaired');
  assert.equal(await page.textContent('#priority'), 'Priority: Emergency');
  assert.deepEqual(page.problems, []);
});

test('the playground keeps the last rules that worked when new ones load but cannot serve the page', async () => {
  const page = await strictPage(browser);
  await page.goto(`${server.url}/www/index.html`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.fill('#f-summary', 'Projector dead');
  await page.click('nav a[data-view="playground"]');
  await page.selectOption('#file', 'forms.rhai');
  const forms = await page.inputValue('#source');
  assert.ok(forms.includes('ticket_type("incident"'));
  // The pack loads cleanly, but has no "incident" type for the form.
  await page.fill('#source', forms.replace('ticket_type("incident"', 'ticket_type("incidents"'));
  await page.click('#reload');
  const said = await page.textContent('#pack-errors');
  assert.match(said, /cannot use them: .*unknown ticket type "incident"/);
  assert.match(said, /the page keeps the last rules that loaded/);
  assert.equal(await page.textContent('#pack'), 'its-incident-management 2026.12.1');
  // The form still works on the rules before, with what the user typed.
  await page.click('nav a[data-view="report"]');
  assert.equal(await page.inputValue('#f-summary'), 'Projector dead');
  await page.fill('#f-summary', 'Projector dead in room 101');
  await page.selectOption('#f-impact', 'Entire University affected');
  await page.selectOption('#f-urgency', 'Work Stopped - No workaround');
  assert.equal(await page.textContent('#priority'), 'Priority: Emergency');
  await page.click('nav a[data-view="agent"]');
  assert.ok(await page.locator('#queue tbody tr').count() > 0);
  // Put right, the rules load and the form keeps the user's values.
  await page.click('nav a[data-view="playground"]');
  await page.fill('#source', forms);
  await page.click('#reload');
  assert.match(await page.textContent('#pack-errors'), /^Loaded its-incident-management/);
  await page.click('nav a[data-view="report"]');
  assert.equal(await page.inputValue('#f-summary'), 'Projector dead in room 101');
  assert.equal(await page.textContent('#priority'), 'Priority: Emergency');
  assert.deepEqual(page.problems, []);
});

test('the playground jumps to an error\'s character after emoji on its line', async () => {
  const page = await strictPage(browser);
  await page.goto(`${server.url}/www/index.html#playground`);
  await page.waitForSelector('body[data-ready="true"]');
  const source = await page.inputValue('#source');
  const line = 'cell("24x7",     "1h",  "High",      "Problem Management", "8h"),';
  assert.ok(source.includes(line));
  await page.fill('#source', source.replace(line, `/* 😀😀 */ ${line.replace('"High",      ', '"Urgent",    ')}`));
  await page.click('#reload');
  const where = await page.textContent('#pack-errors ul.errors li code');
  assert.match(where, /^priority\.rhai:\d+:\d+$/);
  await page.click('#pack-errors ul.errors li');
  // The column is in characters: the selection is the character it names
  // (the "c" of cell, where the engine puts the error).
  const picked = await page.evaluate(() => {
    const s = document.getElementById('source');
    return s.value.slice(s.selectionStart, s.selectionEnd);
  });
  const [, lineNo, column] = where.match(/:(\d+):(\d+)$/).map(Number);
  const text = await page.inputValue('#source');
  assert.equal(picked, [...text.split('\n')[lineNo - 1]][column - 1]);
  assert.equal(picked, 'c');
  assert.deepEqual(page.problems, []);
});

test('accessibility: queue rows and playground errors from the keyboard, required and invalid fields, their notes described', async () => {
  const page = await strictPage(browser);
  await page.goto(`${server.url}/www/index.html`);
  await page.waitForSelector('body[data-ready="true"]');
  // Required and invalid, as assistive technology reads them.
  assert.equal(await page.getAttribute('#f-summary', 'aria-required'), 'true');
  assert.equal(await page.getAttribute('#f-description', 'aria-required'), 'false');
  assert.equal(await page.getAttribute('#f-summary', 'aria-invalid'), 'false');
  await page.click('#submit');
  assert.equal(await page.getAttribute('#f-summary', 'aria-invalid'), 'true');
  await page.fill('#f-summary', 'Lab printers offline');
  assert.equal(await page.getAttribute('#f-summary', 'aria-invalid'), 'false');
  // Help, error and the "(required when …)" note describe their input.
  const described = (await page.getAttribute('#f-contact-phone', 'aria-describedby')).split(' ');
  assert.deepEqual(described, ['f-contact-phone-when', 'f-contact-phone-help', 'f-contact-phone-error']);
  assert.match(await page.textContent('#f-contact-phone-when'), /required when the impact level is Critical/);
  // Required when the impact is Critical, whether or not it is filled.
  assert.equal(await page.getAttribute('#f-contact-phone', 'aria-required'), 'false');
  await page.fill('#f-contact-name', 'Pat Doe');
  await page.selectOption('#f-impact', 'Entire University affected');
  assert.equal(await page.getAttribute('#f-contact-phone', 'aria-required'), 'true');
  assert.equal(await page.textContent('.field[data-name="contact.phone"] .required'), ' *');

  // The queue: each ticket is reached with Tab and picked with Enter or Space.
  await page.click('nav a[data-view="agent"]');
  // A moment with two open samples in the queue (in the browser's time zone).
  await asOf(page, '2026-03-19T06:00:00Z');
  const picks = page.locator('#queue tbody tr td:nth-child(2) button');
  assert.ok(await picks.count() >= 2);
  const second = await picks.nth(1).textContent();
  await picks.nth(1).focus({ timeout: 2000 });
  const picked = async () => (await page.locator('#sample option:checked').textContent()).split(' · ')[0];
  await page.keyboard.press('Enter');
  assert.equal(await picked(), second.split(' · ')[0]);
  assert.equal(await page.getAttribute('#queue button:focus', 'aria-current'), 'true');
  const first = await picks.nth(0).textContent();
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Space');
  assert.equal(await picked(), first.split(' · ')[0]);

  // Playground errors: buttons that put the cursor at the error.
  await page.click('nav a[data-view="playground"]');
  const source = await page.inputValue('#source');
  await page.fill('#source', source.replace('cell("24x7",     "1h",  "High",      "Problem Management", "8h"),', 'cell("24x7",     "1h",  "Urgent",    "Problem Management", "8h"),'));
  await page.click('#reload');
  await page.locator('#pack-errors ul.errors li button').first().focus({ timeout: 2000 });
  await page.keyboard.press('Enter');
  const at = await page.evaluate(() => {
    const s = document.activeElement;
    const line = s.value.slice(0, s.selectionStart).split('\n').length - 1;
    return { id: s.id, picked: s.value.slice(s.selectionStart, s.selectionEnd), line: s.value.split('\n')[line] };
  });
  assert.equal(at.id, 'source');
  assert.equal(at.picked, 'c');
  assert.match(at.line, /"Urgent"/);
  assert.deepEqual(page.problems, []);
});

test('the whole matrix and the error codes, in the page', async () => {
  const page = await strictPage(browser);
  await page.goto(`${server.url}/www/index.html`);
  await page.waitForSelector('body[data-ready="true"]');
  const out = await page.evaluate(async () => {
    const { RuleEngine } = await import('/pkg/web/ticket_rules.js');
    const cases = await (await fetch('/tests/data/matrix-cases.json')).json();
    const e = RuleEngine.default();
    const wrong = cases.cells.filter((c) => {
      const r = e.priority({ impact: c.impact, urgency: c.urgency });
      return r.priority !== c.priority || r.clock !== c.clock || r.respondSeconds !== c.respondSeconds
        || r.resolveSeconds !== c.resolveSeconds || r.process !== c.process;
    });
    let error;
    try { e.priority({ impact: 'Moon', urgency: 'Work Impaired' }); } catch (err) {
      error = { isError: err instanceof Error, code: err.code, field: err.field };
    }
    let ruleError;
    try { RuleEngine.fromSources({ 'p.rhai': 'loop {}' }); } catch (err) {
      ruleError = { code: err.code, limit: err.limit, file: err.file };
    }
    return { checked: cases.cells.length, wrong: wrong.length, error, ruleError, stillWorks: e.priority({ impact: 'Minor', urgency: 'Work Impaired' }).priority };
  });
  assert.deepEqual(out, {
    checked: 16, wrong: 0,
    error: { isError: true, code: 'UNKNOWN_IMPACT', field: 'impact' },
    ruleError: { code: 'RULE_LIMIT', limit: 'operations', file: 'p.rhai' },
    stillWorks: 'Standard',
  });
  assert.deepEqual(page.problems, []);
});

test('runaway hooks are stopped in the page, and the same engine keeps answering', async () => {
  const page = await strictPage(browser);
  await page.goto(`${server.url}/www/index.html`);
  await page.waitForSelector('body[data-ready="true"]');
  const results = await page.evaluate(async () => {
    const { RuleEngine, setTimeGuard } = await import('/pkg/web/ticket_rules.js');
    const { runRunawayHooks } = await import('/tests/data/runaway-hooks.mjs');
    const table = await (await fetch('/tests/data/runaway-hooks.json')).json();
    const tiny = await (await fetch('/tests/data/tiny-pack.rhai')).text();
    return runRunawayHooks(RuleEngine, table, tiny, { setTimeGuard });
  });
  assert.ok(results.length >= 10);
  for (const r of results) {
    assert.deepEqual({ name: r.name, code: r.code, limit: r.got, stillWorks: r.stillWorks },
      { name: r.name, code: 'RULE_LIMIT', limit: r.limit, stillWorks: true });
  }
  assert.deepEqual(page.problems, []);
});

test('recursion inside the deepest expressions is stopped in the page before the stack ends', async () => {
  // As tests/js/sandbox.test.mjs in Node: the most call levels a pack may
  // ask for, each inside the deepest expression a function may nest.
  const page = await strictPage(browser);
  await page.goto(`${server.url}/www/index.html`);
  await page.waitForSelector('body[data-ready="true"]');
  const got = await page.evaluate(async () => {
    const { RuleEngine } = await import('/pkg/web/ticket_rules.js');
    const tiny = await (await fetch('/tests/data/tiny-pack.rhai')).text();
    const nested = (k, inner) => `${'(1+'.repeat(k)}${inner}${')'.repeat(k)}`;
    const deepest = (file) => {
      for (let k = 99; k > 0; k--) {
        const src = file(k);
        if (!RuleEngine.checkSources({ 'p.rhai': tiny, 'a.rhai': src }).some((e) => e.limit === 'expression depth')) return src;
      }
      return '';
    };
    const atLoad = RuleEngine.checkSources({ 'p.rhai': tiny, 'a.rhai': deepest((k) => `fn f(n) {\n  ${nested(k, 'f(n+1)')}\n}\nf(0);\n`) })
      .map((e) => [e.code, e.limit]);
    const helper = deepest((k) => `fn f(n) { ${nested(k, 'f(n+1)')} }\n`);
    const e = RuleEngine.fromSources({ 'p.rhai': tiny, 'hook.rhai': `limits(#{ call_levels: 64, operations: 200000 });\nfn adjust_priority(t, r) {\n  if t.service == "spin" { f(0); }\n  r\n}\n${helper}` });
    let inHook;
    try { e.priority({ impact: 'High', urgency: 'Now', service: 'spin' }); } catch (err) { inHook = [err.code, err.limit]; }
    return { atLoad, inHook, stillWorks: e.priority({ impact: 'High', urgency: 'Now' }).priority };
  });
  assert.deepEqual(got, { atLoad: [['RULE_LIMIT', 'call depth']], inHook: ['RULE_LIMIT', 'call depth'], stillWorks: 'P1' });
  assert.deepEqual(page.problems, []);
});

test('Chromium gives the golden answers, byte for byte', async () => {
  const page = await strictPage(browser);
  await page.goto(`${server.url}/www/index.html`);
  await page.waitForSelector('body[data-ready="true"]');
  const { got, expected, names } = await page.evaluate(async () => {
    const { RuleEngine } = await import('/pkg/web/ticket_rules.js');
    const { goldenLines } = await import('/tests/data/golden/run.mjs');
    const { cases } = await (await fetch('/tests/data/golden/cases.json')).json();
    const expected = (await (await fetch('/tests/data/golden/expected.jsonl')).text()).split('\n').filter(Boolean);
    return { got: goldenLines(RuleEngine.default(), cases), expected, names: cases.map((c) => c.name) };
  });
  assert.ok(expected.length >= 50);
  assert.equal(got.length, expected.length);
  for (let i = 0; i < got.length; i++) assert.equal(got[i], expected[i], `case ${i}: ${names[i]}`);
  assert.deepEqual(page.problems, []);
});

test('the slim module (ticket-rules/slim, no rhai) gives the golden answers in Chromium, and NO_RHAI for sources', async () => {
  const page = await strictPage(browser);
  await page.goto(`${server.url}/www/index.html`);
  await page.waitForSelector('body[data-ready="true"]');
  const { got, expected, names, refused } = await page.evaluate(async () => {
    const slim = await import('/pkg/slim/ticket_rules.js');
    await slim.default({ module_or_path: '/pkg/slim/ticket_rules_bg.wasm' });
    const { goldenLines } = await import('/tests/data/golden/run.mjs');
    const { cases } = await (await fetch('/tests/data/golden/cases.json')).json();
    const expected = (await (await fetch('/tests/data/golden/expected.jsonl')).text()).split('\n').filter(Boolean);
    let refused = null;
    try {
      slim.RuleEngine.fromSources({ 'p.rhai': 'pack_name("x");' });
    } catch (e) {
      refused = e.code;
    }
    return { got: goldenLines(slim.RuleEngine.default(), cases), expected, names: cases.map((c) => c.name), refused };
  });
  assert.equal(refused, 'NO_RHAI');
  assert.equal(got.length, expected.length);
  for (let i = 0; i < got.length; i++) assert.equal(got[i], expected[i], `case ${i}: ${names[i]}`);
  assert.deepEqual(page.problems, []);
});

test('a bundler (esbuild) resolves the package for the browser', async () => {
  const dir = `${root}target/bundle`;
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/entry.js`, `
    import init, { RuleEngine } from 'ticket-rules';
    await init({ module_or_path: '/pkg/web/ticket_rules_bg.wasm' });
    const r = RuleEngine.default().priority({ impact: 'Multiple Buildings affected', urgency: 'Work Stopped - Workaround available' });
    document.body.dataset.result = r.priority + ' / ' + r.process;
  `);
  writeFileSync(`${dir}/index.html`, '<!doctype html><link rel="icon" href="data:,"><script type="module" src="app.js"></script>');
  await build({
    entryPoints: [`${dir}/entry.js`],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    outfile: `${dir}/app.js`,
    nodePaths: [`${root}tests/node_modules`],
    logLevel: 'error',
  });
  const page = await strictPage(browser);
  await page.goto(`${server.url}/target/bundle/index.html`);
  await page.waitForSelector('body[data-result]', { state: 'attached' });
  assert.equal(await page.getAttribute('body', 'data-result'), 'High / Problem Management');
  assert.deepEqual(page.problems, []);
});
