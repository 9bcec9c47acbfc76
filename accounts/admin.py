from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import User


@admin.register(User)
class DataJamUserAdmin(UserAdmin):
    fieldsets = UserAdmin.fieldsets + (("DataJam", {"fields": ("timezone",)}),)
