/** Columns that give way below 1024 px, so a narrow window keeps the model, its fit and its buttons on screen. */
export const WIDE_ONLY = 'max-lg:hidden';
