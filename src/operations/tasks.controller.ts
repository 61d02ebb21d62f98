import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Principal } from '../platform/access/roles';
import { CurrentPrincipal, Roles } from '../platform/access/roles.decorator';
import { ListTasksDto } from './tasks-query.dto';
import { TasksService } from './tasks.service';

@ApiTags('operations')
@ApiBearerAuth()
@Controller('api/v1')
export class TasksController {
  constructor(private readonly tasks: TasksService) {}

  /** Cleaning tasks due in a range (at most 31 days): due, done (on time), late or missed, from the plans and the facts. */
  @Roles('admin', 'fm_manager', 'account_manager', 'client_viewer', 'device')
  @Get('tasks')
  list(@CurrentPrincipal() who: Principal, @Query() query: ListTasksDto) {
    return this.tasks.list(who, query);
  }
}
