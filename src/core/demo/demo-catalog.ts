/** The demo product: core features (adoption), other features, paid add-ons with list prices, integrations. */
export const DEMO_CATALOG = [
  { key: 'dashboards', name: 'Dashboards', core: true, addOn: false, listPrice: null, popularity: 1 },
  { key: 'reports', name: 'Reports', core: true, addOn: false, listPrice: null, popularity: 0.9 },
  { key: 'alerts', name: 'Alerts', core: true, addOn: false, listPrice: null, popularity: 0.6 },
  { key: 'data-import', name: 'Data import', core: true, addOn: false, listPrice: null, popularity: 0.5 },
  { key: 'workflows', name: 'Workflows', core: true, addOn: false, listPrice: null, popularity: 0.45 },
  { key: 'sharing', name: 'Sharing', core: true, addOn: false, listPrice: null, popularity: 0.35 },
  { key: 'mobile-app', name: 'Mobile app', core: false, addOn: false, listPrice: null, popularity: 0.2 },
  { key: 'forecasting', name: 'Forecasting', core: false, addOn: true, listPrice: 18000, popularity: 0.5 },
  { key: 'audit-log', name: 'Audit log', core: false, addOn: true, listPrice: 9000, popularity: 0.3 },
] as const;

/** Core features in the order accounts usually adopt them. */
export const CORE_FEATURES = DEMO_CATALOG.filter((f) => f.core);
export const ADD_ONS = DEMO_CATALOG.filter((f) => f.addOn);
/** The base product every contract includes. */
export const BASE_PRODUCT = 'platform';
export const INTEGRATIONS = ['salesforce', 'slack', 'hubspot', 'api', 'snowflake'] as const;
