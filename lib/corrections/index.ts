/** Correction items (材料补正): what the authority or a pending choice asks a party to supply. */
export * from './items.js';
export * from './requests.js';
