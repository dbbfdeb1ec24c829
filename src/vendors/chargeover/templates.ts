// Line descriptions of packages are Twig templates rendered on each invoice (chargeover-extra
// §11.10): the subset the recordings use — {{ "now"|date("FMT") }}, with any chain of
// |date_modify("+N day|week|month|year") (or -N) before |date — where "now" is the invoice date.
// PHP date letters F j Y m d y M D n l; month arithmetic overflows as PHP's does (Jan 31 + 1 month
// is Mar 3). An expression using anything else is left as written; \r\n becomes \n.
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const pad = (n: number) => String(n).padStart(2, '0');

function modify(date: Date, text: string): Date | null {
  const m = /^\s*([+-])\s*(\d+)\s*(day|week|month|year)s?\s*$/i.exec(text);
  if (!m) return null;
  const n = Number(m[2]) * (m[1] === '-' ? -1 : 1);
  const [y, mo, d] = [date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()];
  switch (m[3].toLowerCase()) {
    case 'day':
      return new Date(Date.UTC(y, mo, d + n));
    case 'week':
      return new Date(Date.UTC(y, mo, d + 7 * n));
    case 'month':
      return new Date(Date.UTC(y, mo + n, d));
    default:
      return new Date(Date.UTC(y + n, mo, d));
  }
}

function format(date: Date, pattern: string): string | null {
  let out = '';
  for (const c of pattern) {
    switch (c) {
      case 'F':
        out += MONTHS[date.getUTCMonth()];
        break;
      case 'M':
        out += MONTHS[date.getUTCMonth()].slice(0, 3);
        break;
      case 'j':
        out += String(date.getUTCDate());
        break;
      case 'd':
        out += pad(date.getUTCDate());
        break;
      case 'n':
        out += String(date.getUTCMonth() + 1);
        break;
      case 'm':
        out += pad(date.getUTCMonth() + 1);
        break;
      case 'Y':
        out += String(date.getUTCFullYear());
        break;
      case 'y':
        out += pad(date.getUTCFullYear() % 100);
        break;
      case 'D':
        out += DAYS[date.getUTCDay()].slice(0, 3);
        break;
      case 'l':
        out += DAYS[date.getUTCDay()];
        break;
      default:
        if (/[A-Za-z]/.test(c)) return null;
        out += c;
    }
  }
  return out;
}

function expression(body: string, today: string): string | null {
  const parts = body
    .trim()
    .split('|')
    .map((p) => p.trim());
  if (parts.shift() !== '"now"') return null;
  let date = new Date(`${today}T00:00:00Z`);
  let result: string | null = null;
  for (const part of parts) {
    if (result !== null) return null;
    const call = /^(date_modify|date)\(\s*"([^"]*)"\s*\)$/.exec(part);
    if (!call) return null;
    if (call[1] === 'date_modify') {
      const next = modify(date, call[2]);
      if (!next) return null;
      date = next;
    } else result = format(date, call[2]);
    if (call[1] === 'date' && result === null) return null;
  }
  return result;
}

/** The description as it reads on an invoice dated `today` (YYYY-MM-DD). */
export function renderTemplate(text: string | null, today: string): string | null {
  if (text === null) return null;
  return text.replace(/\r\n/g, '\n').replace(/\{\{([^}]*)\}\}/g, (whole, body: string) => expression(body, today) ?? whole);
}
