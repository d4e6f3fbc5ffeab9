import { Budget } from './budget.entity';
import { Channel } from './channel.entity';
import { EvaluationEntryRow } from './evaluation-entry.entity';
import { Region } from './region.entity';
import { CrawlRun } from './crawl-run.entity';
import { CRAWL_SOURCE_TYPES, CrawlSource, CrawlSourceType } from './crawl-source.entity';
import { Ingestion } from './ingestion.entity';
import { OrganizationProfile } from './organization-profile.entity';
import { Organization } from './organization.entity';
import { Outlet } from './outlet.entity';
import { PlacementEvent } from './placement-event.entity';
import { ReportJob } from './report-job.entity';
import { Placement } from './placement.entity';
import { StoredTemplate, TEMPLATE_KINDS, TemplateKind } from './stored-template.entity';
import { ApiToken, GLOBAL_ROLES, GlobalRole, Membership, ORG_ROLES, OrgRole, SessionRow, User } from './account.entity';

export { ApiToken, GLOBAL_ROLES, GlobalRole, Membership, ORG_ROLES, OrgRole, SessionRow, User };

export { CRAWL_SOURCE_TYPES, CrawlRun, CrawlSource, CrawlSourceType };
export { Budget, Channel, EvaluationEntryRow, Region, Ingestion, Organization, OrganizationProfile, Outlet, Placement, PlacementEvent, ReportJob };
export { StoredTemplate, TEMPLATE_KINDS, TemplateKind };
export const ENTITIES = [
  Organization,
  Outlet,
  Channel,
  Placement,
  PlacementEvent,
  Ingestion,
  Budget,
  OrganizationProfile,
  ReportJob,
  CrawlSource,
  CrawlRun,
  EvaluationEntryRow,
  Region,
  StoredTemplate,
  User,
  Membership,
  SessionRow,
  ApiToken,
];
