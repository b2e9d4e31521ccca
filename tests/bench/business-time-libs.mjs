// The JS business-time libraries, set up for the benchmark's calendar, in
// a worker thread: some inputs make them loop forever, and the benchmark
// must survive that (it gives each call a deadline and restarts the worker).
import { parentPort, workerData } from 'node:worker_threads';
import moment from 'moment-timezone';
import 'moment-business-time';
import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc.js';
import timezone from 'dayjs/plugin/timezone.js';
import businessTime from 'dayjs-business-time';
import { measure } from './harness.mjs';

const { zone, holidays, hours, lib } = workerData;

moment.updateLocale('en', {
  workinghours: { 0: null, 1: ['08:00:00', '17:00:00'], 2: ['08:00:00', '17:00:00'], 3: ['08:00:00', '17:00:00'], 4: ['08:00:00', '17:00:00'], 5: ['08:00:00', '17:00:00'], 6: null },
  holidays,
});
dayjs.extend(utc);
dayjs.extend(timezone);
dayjs.extend(businessTime);
dayjs.setHolidays(holidays);
const day = [{ start: '08:00:00', end: '17:00:00' }];
dayjs.setBusinessTime({ sunday: null, monday: day, tuesday: day, wednesday: day, thursday: day, friday: day, saturday: null });

const fns = {
  moment: (s) => moment.tz(s, zone).addWorkingTime(hours, 'hours').utc().format('YYYY-MM-DDTHH:mm:ss[Z]'),
  dayjs: (s) => dayjs.tz(s, zone).addBusinessHours(hours).utc().format('YYYY-MM-DDTHH:mm:ss[Z]'),
};
const fn = fns[lib];

parentPort.on('message', (m) => {
  if (m.start) {
    let out;
    try {
      out = fn(m.start);
    } catch (e) {
      out = `threw: ${e.message}`;
    }
    parentPort.postMessage({ out });
  } else if (m.bench) {
    let i = 0;
    const r = measure(lib, () => fn(m.bench[(i = (i + 1) % m.bench.length)]), { ms: 300, rounds: 5 });
    parentPort.postMessage({ rate: r.perSecond });
  }
});
