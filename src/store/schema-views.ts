/** Tables of saved portfolio views (migration 022-saved-views). */
export type ViewTables = {
  saved_views: SavedViewsTable;
};

export type SavedViewsTable = {
  id: string;
  owner: string;
  name: string;
  filters: string; // JSON ViewFilters
  created_at: string;
};
