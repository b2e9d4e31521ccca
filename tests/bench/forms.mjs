// The incident form both form benchmarks validate (validation.mjs and
// floor.mjs): one valid ticket, one with 7 errors, and the same form in
// zod, written by hand from the pack's menus.
import { z } from 'zod';

export const contacts = ['Pat Doe', 'Sam Rivera', 'Lee Okafor'];
export const STOPPED = ['Work Stopped - No workaround', 'Work Stopped - Workaround available'];

export const valid = {
  type: 'incident', summary: 'Finance shared drive unreachable',
  description: 'Since 9:00 nobody in Finance can open the payroll folder.',
  impact: 'Single Department affected', urgency: 'Work Stopped - No workaround', service: 'File shares',
  component: 'nas-fin-1', contact: { name: 'Pat Doe', email: 'pat@example.edu', phone: '7035551234' },
};
export const invalid = {
  type: 'incident', summary: 'x'.repeat(130), description: 'broken',
  impact: 'Galaxy', urgency: 'Work Stopped - No workaround', service: 'Coffee',
  contact: { name: 'Nobody', email: 'not-an-email', phone: '123' },
};

// The menus of the engine's incident form.
export function menus(engine) {
  const schema = engine.formSchema('incident');
  const menu = (name) => schema.fields.find((f) => f.name === name).menu.map((m) => m.value);
  return { impacts: menu('impact'), urgencies: menu('urgency'), services: menu('service') };
}

// zod: the same form by hand.
export function zodSchema(engine) {
  const { impacts, urgencies, services } = menus(engine);
  return z
    .object({
      type: z.literal('incident'),
      summary: z.string().min(1).max(120),
      description: z.string().max(20000).optional(),
      impact: z.enum(impacts),
      urgency: z.enum(urgencies),
      service: z.enum(services),
      component: z.string().max(80).optional(),
      contact: z.object({
        name: z.enum(contacts),
        email: z.string().email().optional(),
        phone: z.string().regex(/^[0-9]{10}$/).optional(),
      }),
      priority: z.string().optional(),
      resolution: z.string().max(20000).optional(),
    })
    .superRefine((t, ctx) => {
      if (STOPPED.includes(t.urgency) && (t.description ?? '').trim().length < 20) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['description'], message: 'too brief' });
      }
      if (t.impact === 'Entire University affected' && !t.contact?.phone) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['contact', 'phone'], message: 'required' });
      }
    });
}
