import { error } from '@sveltejs/kit';
import { ZIdParam } from '@varco/api/contract';
import { translate } from '$lib/i18n/translate';
import { agreementFieldMessage, readAgreementForm, validateAgreement } from '$lib/server/agreement-form';
import { actionFailure, invalidForm, loadOrRaise } from '$lib/server/api-errors';
import { cityToday } from '$lib/server/city-time';
import { confirmInstalledAction, downloadBundleAction, issueCertificateAction, renewCertificateAction, revokeCertificateAction } from '$lib/server/pki-actions';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

const ZEmployeeIdParam = ZIdParam('emp');

/** A malformed id is answered like an unknown one, without bothering the API. */
function employeeId(event: RequestEvent | Parameters<PageServerLoad>[0]): string {
  const parsed = ZEmployeeIdParam.safeParse(event.params);
  if (!parsed.success) {
    error(404, {
      message: translate(event.locals.locale, 'apiError.not_found'),
      code: 'not_found',
      requestId: event.locals.requestId,
    });
  }
  return parsed.data.id;
}

export const load: PageServerLoad = async (event) => {
  const { api } = event.locals;
  const id = employeeId(event);
  const [me, employee] = await loadOrRaise(event, Promise.all([api.requireMe(), api.employees.get(id)]));
  const canEditAgreement = me.permissions.includes('agreements:write');
  const activities = canEditAgreement
    ? (await loadOrRaise(event, api.activities.list(employee.service.code))).items
    : [];
  // Station certificates and VPN (issue 3): for whoever may see them; issuing is the hot-line's.
  const vpn = me.permissions.includes('pki:read') ? await loadOrRaise(event, api.vpn.ofEmployee(id)) : null;
  return { employee, canEditAgreement, activities, today: cityToday(), vpn, canIssueCertificates: me.permissions.includes('pki:issue') };
};

export const actions: Actions = {
  saveAgreement: async (event) => {
    const id = employeeId(event);
    const { locale } = event.locals;
    const values = readAgreementForm(await event.request.formData());
    const validation = validateAgreement(locale, values);
    if (!validation.success) return invalidForm(event, validation.fieldErrors, values);
    try {
      await event.locals.api.employees.saveAgreement(id, validation.request);
    } catch (err) {
      return actionFailure(event, err, { values, fieldMessage: (field) => agreementFieldMessage(locale, field) });
    }
    return { saved: true };
  },
  issueCertificate: (event) => issueCertificateAction(event, employeeId(event)),
  renewCertificate: (event) => renewCertificateAction(event),
  downloadBundle: (event) => downloadBundleAction(event),
  revokeCertificate: (event) => revokeCertificateAction(event),
  confirmInstalled: (event) => confirmInstalledAction(event),
};
