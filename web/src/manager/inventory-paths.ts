/** Where the detail pages of the inventory are, for links from any view. */

export const featureRecordPath = (recordId: string) => `/features/records/${encodeURIComponent(recordId)}`;

/** The records of one feature name: the Details tab searched by that name. */
export const featureRecordsPath = (name: string) => `/features/details?${new URLSearchParams({ name }).toString()}`;

export const devicePath = (d: { deviceIdType: string; deviceId: string }) => `/devices/${encodeURIComponent(d.deviceIdType)}/${encodeURIComponent(d.deviceId)}`;
