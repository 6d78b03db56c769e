/**
 * Keep only the birth-date part of a CPR number. The full number never enters the local store;
 * a later feature fetches it from the EOJ on an explicit, audit-logged click.
 */
export function maskCpr(cpr: string): string {
  const digits = cpr.replace(/\D/g, '');
  if (digits.length !== 10) throw new Error('CPR-nummer skal have 10 cifre');
  return `${digits.slice(0, 6)}-xxxx`;
}
