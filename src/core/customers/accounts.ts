// Customer accounts as a door's clients create them in one call: a customer with its primary
// contact and that contact's portal login (ChargeOver's superuser_* fields), a contact with its
// login (ChargeOver's users). Each use-case is one transaction, so a refused login (a username in
// use) or a duplicate external reference leaves nothing behind.
import type { ContactRow, CustomerRow } from '../database.ts';
import type { TenantContext } from '../context.ts';
import { inWork } from '../work.ts';
import { primaryContacts } from './contact-queries.ts';
import { setLogin, updateContact, type ContactUpdate } from './contacts.ts';
import { createContact, createCustomer, updateCustomer, type ContactInput, type CustomerInput } from './customers.ts';

/** The person behind a customer (its primary contact). */
export interface PrimaryContactInput {
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
  phone?: string | null;
}

export interface LoginInput {
  /** Generated when absent. */
  username?: string | null;
  password?: string | null;
}

/** A customer and, when given, its primary contact with a portal login. */
export async function createCustomerWithContact(ctx: TenantContext, input: CustomerInput, contact?: PrimaryContactInput & LoginInput): Promise<CustomerRow> {
  return inWork(ctx, async (ctx) => {
    const customer = await createCustomer(ctx, input);
    if (contact) {
      const row = await createContact(ctx, { customerId: customer.id, firstName: contact.firstName, lastName: contact.lastName, email: contact.email, phone: contact.phone, isPrimary: true });
      await setLogin(ctx, row.id, { username: contact.username, password: contact.password });
    }
    return customer;
  });
}

/** Updates a customer and, when given, its primary contact (created, with a login, if it has none). */
export async function updateCustomerAndPrimaryContact(ctx: TenantContext, customerId: number, input: CustomerInput, contact?: PrimaryContactInput): Promise<CustomerRow> {
  return inWork(ctx, async (ctx) => {
    const customer = await updateCustomer(ctx, customerId, input);
    if (!contact) return customer;
    const primary = (await primaryContacts(ctx, [customerId])).get(customerId);
    const fields = { firstName: contact.firstName, lastName: contact.lastName, email: contact.email, phone: contact.phone };
    if (primary) await updateContact(ctx, primary.id, fields);
    else {
      const row = await createContact(ctx, { customerId, ...fields, isPrimary: true });
      await setLogin(ctx, row.id, {});
    }
    return customer;
  });
}

/** A contact with its portal login (username generated when not given). */
export async function createContactWithLogin(ctx: TenantContext, input: ContactInput, login: LoginInput = {}): Promise<ContactRow> {
  return inWork(ctx, async (ctx) => {
    const row = await createContact(ctx, input);
    await setLogin(ctx, row.id, login);
    return row;
  });
}

/** Updates a contact and, when a username or password is given, its login. */
export async function updateContactAndLogin(ctx: TenantContext, contactId: number, update: ContactUpdate, login: LoginInput = {}): Promise<ContactRow> {
  return inWork(ctx, async (ctx) => {
    const row = await updateContact(ctx, contactId, update);
    if (login.username !== undefined || login.password !== undefined) await setLogin(ctx, contactId, login);
    return row;
  });
}
