import { InitialSchema1767225600000 } from '../../migrations/1767225600000-InitialSchema';
import { SearchAndListIndexes1795400000000 } from '../../migrations/1795400000000-SearchAndListIndexes';
import { ReportIndexes1795500000000 } from '../../migrations/1795500000000-ReportIndexes';
import { EmployeeVersion1795600000000 } from '../../migrations/1795600000000-EmployeeVersion';
import { AuditTimeFromDatabase1795700000000 } from '../../migrations/1795700000000-AuditTimeFromDatabase';
import { EventSearchIndexes1795800000000 } from '../../migrations/1795800000000-EventSearchIndexes';
import { SupportScheduleIndex1795900000000 } from '../../migrations/1795900000000-SupportScheduleIndex';
import { EventDateRange1795950000000 } from '../../migrations/1795950000000-EventDateRange';
import { Tenants1796000000000 } from '../../migrations/1796000000000-Tenants';
import { SearchTenantCondition1796020000000 } from '../../migrations/1796020000000-SearchTenantCondition';
import { ClientOwnerStatistics1796030000000 } from '../../migrations/1796030000000-ClientOwnerStatistics';
import { TenantLimits1796100000000 } from '../../migrations/1796100000000-TenantLimits';
import { Platform1796200000000 } from '../../migrations/1796200000000-Platform';
import { LastActiveManager1796300000000 } from '../../migrations/1796300000000-LastActiveManager';
import { SignedContractByTenant1796400000000 } from '../../migrations/1796400000000-SignedContractByTenant';

/** Every migration, oldest first. Listed explicitly so no glob or file scan runs at start-up. */
export const MIGRATIONS = [
  InitialSchema1767225600000,
  SearchAndListIndexes1795400000000,
  ReportIndexes1795500000000,
  EmployeeVersion1795600000000,
  AuditTimeFromDatabase1795700000000,
  EventSearchIndexes1795800000000,
  SupportScheduleIndex1795900000000,
  EventDateRange1795950000000,
  Tenants1796000000000,
  SearchTenantCondition1796020000000,
  ClientOwnerStatistics1796030000000,
  TenantLimits1796100000000,
  Platform1796200000000,
  LastActiveManager1796300000000,
  SignedContractByTenant1796400000000,
];
