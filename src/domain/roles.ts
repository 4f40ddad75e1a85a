/** The three roles of the permission matrix. Plain data, so the CLI can offer them without loading the entities. */
export const ROLES = ['MANAGEMENT', 'SALES', 'SUPPORT'] as const;
export type Role = (typeof ROLES)[number];
