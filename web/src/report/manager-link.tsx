import { Link } from '@mui/material';

/**
 * A feature name that opens the feature in the License Server Manager this back office serves
 * (under /manager; its Settings pick the server or instance). The report and the manager are
 * two apps, so this is a page load, not a route of the report.
 */
export function FeatureInManager({ feature, tabIndex }: { feature: string; tabIndex?: number }) {
  return (
    <Link
      href={`/manager/features?${new URLSearchParams({ name: feature }).toString()}`}
      title="Details in the License Server Manager"
      aria-label={`${feature}: details in the License Server Manager`}
      data-testid="manager-link"
      {...(tabIndex === undefined ? {} : { tabIndex })}
      onClick={(e) => e.stopPropagation()}
    >
      {feature}
    </Link>
  );
}
