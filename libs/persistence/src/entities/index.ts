import { Channel } from './channel.entity';
import { Ingestion } from './ingestion.entity';
import { Organization } from './organization.entity';
import { Outlet } from './outlet.entity';
import { PlacementEvent } from './placement-event.entity';
import { Placement } from './placement.entity';

export { Channel, Ingestion, Organization, Outlet, Placement, PlacementEvent };
export const ENTITIES = [Organization, Outlet, Channel, Placement, PlacementEvent, Ingestion];
