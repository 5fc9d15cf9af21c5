/**
 * A leaflet cannot be made as asked (bad campaign code, unknown language, no channel set up).
 * The message is written for the person running `npm run leaflet` and names what to change.
 */
export class LeafletError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LeafletError';
  }
}
