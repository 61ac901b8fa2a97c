import { hrefWithEnv } from '../../lib/url-state'

/** Where one event opens: the Events view with that event in its drawer (`?event=`). */
export function eventHref(eventId: string, environment: string | undefined): string {
  return hrefWithEnv('/events', environment, { event: eventId })
}
