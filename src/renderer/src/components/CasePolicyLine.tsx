import { useTranslation } from 'react-i18next';
import type { CaseView } from '../../../shared/rpc/contract.js';
import { policyVersionLabel } from '../logic/humanize.js';

/**
 * The case header's policy line (issue #12): `EU261 v3, published 2 Dec`, the engine's full version
 * id (one part per policy document) in the tooltip; the desk preview's version is added when it
 * differs from the one that decided the case.
 */
export function CasePolicyLine({ view }: { view: Pick<CaseView, 'case' | 'policyLabel' | 'policyPublishedAt'> }) {
  const { t } = useTranslation('humanize');
  const c = view.case;
  const decided = policyVersionLabel({
    policyVersion: c.policyVersion,
    regime: c.primaryRegime,
    setVersion: c.policySetVersion ?? null,
    publishedAt: view.policyPublishedAt,
    label: c.policySetVersion ? null : view.policyLabel,
  });
  const preview =
    view.policyLabel && c.policySetVersion && view.policyLabel !== `v${c.policySetVersion}` ? view.policyLabel : null;
  return (
    <p className="muted policy" title={decided.raw} data-testid="case-policy-version" data-raw={c.policyVersion ?? ''}>
      {t('policyLine.policy', { defaultValue: 'policy' })} <strong>{decided.text}</strong>
      {preview && (
        <span title={preview}>
          {' · '}
          {preview === 'bundled'
            ? t('policyLine.previewBuiltIn', { defaultValue: 'desk preview: built-in policy' })
            : t('policyLine.preview', { defaultValue: 'desk preview {{label}}', label: preview })}
        </span>
      )}
    </p>
  );
}
